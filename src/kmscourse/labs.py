"""Generate the exercise notebooks in labs/ from the solutions in solutions/ (nbgrader, no gradebook).

`make labs` writes them; `kmscourse labs --check` (run by the test suite) fails when labs/ has drifted.
Learners never edit labs/: they work in copies in my-labs/ (`kmscourse.my_labs`), which nothing here touches.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

STUB = '# YOUR CODE HERE\nraise NotImplementedError("Exercise: replace these two lines with your code, then run the cell.")'
"""What a solution region becomes in the lab."""

NOTE = (
    "> **Do not type your answers here:** this file is generated from `solutions/{name}`, and `make labs` overwrites it.\n"
    "> Work in your own copy, `my-labs/{name}`: `make lab` makes one for every lab, or `.venv/bin/kmscourse lab {number}`\n"
    "> for this one. Stuck? The worked answer is in `solutions/{name}`.\n"
)


def generate(solution: Path) -> nbformat.NotebookNode:
    """The lab for one solution notebook: solution regions replaced by stubs, outputs cleared."""
    from nbgrader.preprocessors import ClearOutput, ClearSolutions

    nb = nbformat.read(solution, as_version=4)
    nb = copy.deepcopy(nb)
    resources: dict = {}
    nb, resources = ClearSolutions(enforce_metadata=False, code_stub={"python": STUB}).preprocess(nb, resources)
    nb, resources = ClearOutput().preprocess(nb, resources)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = None
    note = NOTE.format(name=solution.name, number=solution.stem.split("-", 1)[0])
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(note, id="kmscourse-lab-note"))
    nb.metadata["kmscourse"] = {"generated_from": f"solutions/{solution.name}", "generator": "make labs"}
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as the exact text written to disk."""
    return nbformat.writes(nb) + "\n"


def pairs(root: Path) -> list[tuple[Path, Path]]:
    """(solution, lab) paths for every solution notebook."""
    return [(s, root / "labs" / s.name) for s in sorted((root / "solutions").glob("*.ipynb"))]


def write_all(root: Path) -> list[Path]:
    """Regenerate every lab and delete labs whose solution is gone; return the labs written."""
    (root / "labs").mkdir(exist_ok=True)
    written = []
    for solution, lab in pairs(root):
        lab.write_text(render(generate(solution)))
        written.append(lab)
    for orphan in set((root / "labs").glob("*.ipynb")) - set(written):
        orphan.unlink()
    return written


def stale(root: Path) -> list[str]:
    """Sentences naming each lab that differs from what its solution generates."""
    problems = []
    expected = pairs(root)
    for solution, lab in expected:
        if not lab.exists():
            problems.append(f"{lab.relative_to(root)} is missing; run `make labs`.")
        elif lab.read_text() != render(generate(solution)):
            problems.append(f"{lab.relative_to(root)} differs from what {solution.relative_to(root)} generates; run `make labs`.")
    for extra in sorted(set((root / "labs").glob("*.ipynb")) - {lab for _, lab in expected}):
        problems.append(f"{extra.relative_to(root)} has no solution in solutions/; remove it or run `make labs`.")
    return problems
