"""The page rules catch each known rendering bug in a real JupyterLab page, and pass what is meant."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import lab_page
import nbformat
import page_rules
from lab_server import ROOT, LabServer

TALL_FLOWCHART = "```mermaid\nflowchart TD\n" + "".join(f"    s{i}[step {i}] --> s{i + 1}[step {i + 1}]\n" for i in range(30)) + "```"
BAD_CELLS = [
    ("markdown", "# Rendering bugs the browser suite must catch"),
    ("markdown", "A key costs $1 a month, and each rotation another $1 a month."),  # 1: money typeset as math
    ("markdown", "$$E = mc^2$$"),  # meant as math
    ("markdown", "| Concept | Importance | Notes |\n|---|---|---|\n| A shell | Necessary | Pipes (`|`), redirection |\n"
                 "| Base64 | Helpful | an escaped \\| pipe |"),  # 3: one row loses a cell to its unescaped |
    ("markdown", TALL_FLOWCHART),  # 4: three screens tall
    ("markdown", "```mermaid\nflowchart LR\n    a[request] --> b[answer]\n```"),
    ("markdown", "```mermaid\nflowchart TD\n    a[one] -->\n```"),  # 6: does not parse
    ("markdown", "[this notebook](rendering-bugs.ipynb) and [a lesson that is gone](no-such-lesson.ipynb)"),  # 7
    ("code", 'from IPython.display import HTML\nHTML("<ul><li>✅ the key exists</li><li>✅ PASS the alias</li></ul>")'),  # 8
    ("code", 'import warnings\nwarnings.warn("only a warning")'),  # stderr, but no error
    ("code", 'HTML("<p>write ${aws:PrincipalTag/team} or ${aws:username}</p>")'),  # 10: HTML output typeset as math
    ("code", 'from kmscourse.checks.result import CheckResult\nr = CheckResult("Lab 12")\n'
             'r.add("red uses its key", False, "write ${aws:PrincipalTag/team} or ${aws:username}")\nr'),  # a check: no math
    ("code", "1 / 0"),  # 12: an error, which stops Run All
    ("code", 'print("never runs")'),  # 13
]


def _notebook(folder: Path) -> str:
    """Write the notebook of known bugs under JupyterLab's root; its path from there."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell(s) if kind == "markdown" else nbformat.v4.new_code_cell(s) for kind, s in BAD_CELLS]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "rendering-bugs.ipynb")
    return (folder / "rendering-bugs.ipynb").relative_to(ROOT).as_posix()


def _cells_named(problems: list[str]) -> list[int]:
    return [int(p.split(" ")[1].rstrip(":")) for p in problems if p.startswith("cell ")]


def test_each_rule_flags_its_bug_and_nothing_else(app: Any, lab: LabServer, run_dir: Path) -> None:
    """$ pairs (but not in a check's hints), an unescaped |, a tall or broken diagram, a dead link, a bare emoji mark, an error: each found once."""
    path = _notebook(run_dir / "self-test")
    cells = nbformat.read(ROOT / path, as_version=4).cells
    try:
        lab_page.open_notebook(app, path, len(cells))
        lab_page.restart_and_run_all(app)
        shown = lab_page.snapshot(app)
    finally:
        lab_page.close_notebooks(app, lab)
    assert _cells_named(page_rules.run_problems(cells, shown)) == [12, 13]
    assert _cells_named(page_rules.math_problems(cells, shown)) == [1, 10]
    assert _cells_named(page_rules.table_problems(cells, shown)) == [3]
    assert _cells_named(page_rules.diagram_problems(cells, shown)) == [4, 6]
    assert page_rules.link_problems(ROOT, cells, shown) == [f"the page links to {Path(path).parent}/no-such-lesson.ipynb, "
                                                            "which does not exist"]
    assert _cells_named(page_rules.mark_problems(shown)) == [8]


def test_table_cells_split_as_gfm_does() -> None:
    """Pipes split cells even inside backticks; only a backslash escapes them."""
    assert page_rules.table_cells("| A shell | Necessary | Pipes (`|`), redirection |") == \
        ["A shell", "Necessary", "Pipes (`", "`), redirection"]
    assert page_rules.table_cells("| Base64 | Helpful | an escaped \\| pipe |") == ["Base64", "Helpful", "an escaped \\| pipe"]


def test_source_tables_skip_code_fences() -> None:
    text = "```\n| a | b |\n|---|---|\n```\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"
    assert page_rules.source_tables(text) == [["| x | y |", "| 1 | 2 |"]]
