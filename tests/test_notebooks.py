"""Every lesson runs green twice in one kernel, every solution from a fresh kernel twice in a row; every lab stops
at its first exercise."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from support import ROOT, clean_env

from kmscourse.runner import execute

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LABS = sorted((ROOT / "labs").glob("*.ipynb"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_runs_all_twice_in_one_kernel(path: Path, tmp_path: Path) -> None:
    """A fresh kernel runs every cell, then every cell again, as a learner pressing Run All twice: a lesson's
    second run meets what its first run left (its clean-up, its files, its cast) and must still work.

    It runs from a copy in a private folder, so nbval's run of the same lesson cannot share its work/ files.
    """
    copy = tmp_path / path.parent.name / path.name
    copy.parent.mkdir()
    shutil.copy(path, copy)
    _, outcome = execute(copy, extra_env=clean_env(), runs=2)
    assert not outcome.error, f"{_id(path)} failed: {outcome.error}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_runs_green_twice_in_a_row(path: Path, tmp_path: Path) -> None:
    """A fresh kernel runs it without error, and a second fresh kernel does too, in the same working folder.

    It runs from a copy in a private folder, so nbval's run of the same lesson cannot share its work/ files.
    """
    copy = tmp_path / path.parent.name / path.name
    copy.parent.mkdir()
    shutil.copy(path, copy)
    for attempt in ("first", "second"):
        _, outcome = execute(copy, extra_env=clean_env())
        assert not outcome.error, f"{_id(path)} failed on its {attempt} run: {outcome.error}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", LABS, ids=_id)
def test_lab_stops_at_its_first_exercise(path: Path, tmp_path: Path) -> None:
    """Run unmodified, a lab raises NotImplementedError in its first exercise cell, and nothing fails before it."""
    source = nbformat.read(path, as_version=4)
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    code = [i for i, c in enumerate(source.cells) if c.cell_type == "code"]
    first = next(i for i in code if "raise NotImplementedError" in source.cells[i].source)
    nb, outcome = execute(copy, extra_env=clean_env())
    assert "NotImplementedError" in outcome.error, f"expected NotImplementedError, got: {outcome.error or 'no error'}"
    errors = [i for i in code if any(o.get("output_type") == "error" for o in nb.cells[i].get("outputs", []))]
    assert errors == [first], f"the first error should be in cell {first} (the first exercise), not {errors}"


def test_every_lesson_has_a_solution_and_lab() -> None:
    """Each module is a lesson, a solution and a lab with the same stem."""
    lessons = {p.name for p in LESSONS}
    assert lessons, "no lessons found"
    for solution in SOLUTIONS:
        assert solution.name in lessons, f"solutions/{solution.name} has no lesson in notebooks/"
        assert "### BEGIN SOLUTION" in solution.read_text(), f"solutions/{solution.name} has no solution region"
