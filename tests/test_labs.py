"""labs/ is generated from solutions/ and must not drift; lessons keep the course skeleton."""
from __future__ import annotations

import json
import re

import nbformat
import pytest
from support import ROOT

from kmscourse import labs

SKELETON = ["## Overview", "## Prerequisites", "## Setup", "## Check your work", "## Summary", "## What's next?", "## Clean up"]


def test_labs_are_in_sync_with_solutions() -> None:
    """`make labs` would change nothing."""
    assert labs.stale(ROOT) == []


def test_generated_lab_has_no_answers_and_no_outputs() -> None:
    """ClearSolutions removed every solution region and ClearOutput every output."""
    for solution, lab in labs.pairs(ROOT):
        text = lab.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
        nb = nbformat.read(lab, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{lab.name} has outputs"
        assert nb.metadata["kmscourse"]["generated_from"] == f"solutions/{solution.name}"


def test_solutions_are_committed_without_outputs() -> None:
    """Solutions are sources; their outputs would only go stale."""
    for solution, _ in labs.pairs(ROOT):
        nb = nbformat.read(solution, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{solution.name} has outputs"


def test_stale_lab_is_reported(tmp_path) -> None:
    """A hand-edited lab is caught with a sentence saying to run `make labs`."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "labs").mkdir()
    src = next(iter(labs.pairs(ROOT)))[0]
    (tmp_path / "solutions" / src.name).write_text(src.read_text())
    labs.write_all(tmp_path)
    assert labs.stale(tmp_path) == []
    lab = tmp_path / "labs" / src.name
    lab.write_text(lab.read_text().replace("Exercise", "Edited by hand"))
    assert labs.stale(tmp_path) == [f"labs/{src.name} differs from what solutions/{src.name} generates; run `make labs`."]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_lesson_follows_the_skeleton(path) -> None:
    """Title, Overview mapped onto the sections, Prerequisites with time to learn, then the closing sections in order."""
    nb = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert markdown.lstrip().startswith("# "), "a lesson starts with its title"
    positions = [markdown.find(h + "\n") for h in SKELETON]
    assert all(p >= 0 for p in positions), f"missing sections: {[h for h, p in zip(SKELETON, positions, strict=True) if p < 0]}"
    assert positions == sorted(positions), "skeleton sections are out of order"
    assert "Time to learn" in markdown
    overview = markdown[positions[0]:markdown.find("## Prerequisites")]
    steps = re.findall(r"^\d+\.", overview, flags=re.M)
    between = markdown[positions[2]:positions[3]]
    sections = [h for h in re.findall(r"^## (.+)$", between, flags=re.M) if h != "Setup"]
    assert len(steps) == len(sections), f"Overview lists {len(steps)} steps but the lesson has {len(sections)} sections: {sections}"
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "kmscourse.start(" in setup.source, "the first code cell starts the course"
    assert json.dumps(nb.metadata.get("kernelspec", {})).find('"python3"') >= 0
