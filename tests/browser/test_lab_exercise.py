"""A learner's round in lab 00: type a wrong answer in the exercise cell, read the hint, then the right one and the pass."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lab_page
import nbformat
import pytest
from lab_server import ROOT, LabServer

LAB = "00-setup-and-orientation.ipynb"


def _index(cells: list[Any], needle: str) -> int:
    """The index of the only cell whose source contains `needle`."""
    found = [i for i, c in enumerate(cells) if needle in c.source]
    assert len(found) == 1, f"{len(found)} cells contain {needle!r}"
    return found[0]


def _answer() -> str:
    """The solution's exercise cell as a learner would type it: its code, without the nbgrader markers."""
    cells = nbformat.read(ROOT / "solutions" / LAB, as_version=4).cells
    lines = cells[_index(cells, "### BEGIN SOLUTION")].source.splitlines()
    return "\n".join(line for line in lines if not line.strip().startswith(("### BEGIN SOLUTION", "### END SOLUTION")))


@pytest.fixture
def lab_copy(run_dir: Path) -> Iterator[str]:
    """A learner's copy of the lab, in a scratch folder JupyterLab's root reaches (labs/ itself is never touched)."""
    scratch = run_dir / "learner" / "labs"
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "labs" / LAB, scratch / LAB)
    yield (scratch / LAB).relative_to(ROOT).as_posix()
    shutil.rmtree(scratch.parent, ignore_errors=True)


def test_a_wrong_answer_gets_its_hint_and_the_right_answer_passes(app: Any, lab: LabServer, lab_copy: str,
                                                                   screenshots: Path) -> None:
    """UserId for the ARN: the check names the mistake; the solution's code: every item passes."""
    cells = nbformat.read(ROOT / lab_copy, as_version=4).cells
    exercise, check = _index(cells, "YOUR CODE HERE"), _index(cells, ".check(")
    right = _answer()
    wrong = right.replace('["Arn"]', '["UserId"]')
    assert wrong != right, "the solution no longer reads the ARN as ['Arn']; pick another wrong answer"
    page = app
    try:
        lab_page.open_notebook(page, lab_copy, len(cells))
        assert lab_page.type_into_cell(page, exercise, wrong) == wrong
        lab_page.menu(page, "Run", "Run All Cells")
        lab_page.wait_for(page, "the check to answer", 90, lambda: "Lab 00:" in lab_page.output_text(page, check))
        lab_page.wait_for_run(page)
        hint = lab_page.output_text(page, check)
        lab_page.cell(page, check).screenshot(path=screenshots / "lab00-wrong-answer.png")
        assert "that is your UserId; the ARN is in the 'Arn' field" in hint, hint
        assert re.search(r"FAIL\s+identity_arn is the ARN STS reports for you", hint), hint
        assert "1 to fix" in hint and "Traceback" not in hint, hint

        assert lab_page.type_into_cell(page, exercise, right) == right
        lab_page.run_cell(page, exercise)
        lab_page.run_cell(page, check)
        passed = lab_page.output_text(page, check)
        lab_page.cell(page, check).screenshot(path=screenshots / "lab00-right-answer.png")
        assert re.search(r"Lab 00: (\d+) of \1 passed, all checks passed\.", passed), passed
        assert "FAIL" not in passed and "Hint" not in passed, passed
    finally:
        lab_page.close_notebooks(page, lab)
