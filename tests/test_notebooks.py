"""Every lesson runs green twice in one kernel and shows its committed outputs; every solution runs Run All twice in
one kernel and again from a fresh kernel. (Each lab's run, stopping at its first exercise, is in test_lab_check_cells.)"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from support import ROOT, clean_env

from kmscourse.outputs import changed_cells
from kmscourse.runner import execute

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _private_copy(path: Path, tmp_path: Path) -> Path:
    """The notebook copied into a private folder, so two tests running it at once cannot share its work/ files."""
    copy = tmp_path / path.parent.name / path.name
    copy.parent.mkdir()
    shutil.copy(path, copy)
    return copy


@pytest.mark.notebook
@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_runs_all_twice_and_shows_its_committed_outputs(path: Path, tmp_path: Path) -> None:
    """A fresh kernel runs every cell, then every cell again, as a learner pressing Run All twice: a lesson's
    second run meets what its first run left (its clean-up, its files, its cast) and must still work.

    The first run must show the committed outputs, compared as nbval compares them (the sanitizers in
    tests/nbval-sanitize.cfg, streams merged, cells tagged nbval-ignore-output skipped), the rule `make outputs` keeps
    them by: a lesson that changes what it prints needs `make outputs` and a reviewed diff.
    """
    _, outcome = execute(_private_copy(path, tmp_path), extra_env=clean_env(), runs=2)
    assert not outcome.error, f"{_id(path)} failed: {outcome.error}"
    changed = changed_cells(nbformat.read(path, as_version=4), outcome.first_run)
    assert not changed, (f"{_id(path)} no longer shows its committed outputs; if the change is intended, run "
                         f"`make outputs` and review the diff.\n" + "\n".join(changed[:3]))


@pytest.mark.notebook
@pytest.mark.parametrize("path", SOLUTIONS, ids=_id)
def test_solution_runs_all_twice_then_again_from_a_fresh_kernel(path: Path, tmp_path: Path) -> None:
    """Run All twice in one kernel (its check passes both times: checks are strict here, so a failed one raises), then
    a second fresh kernel in the same working folder: the solution runs green from a fresh kernel twice in a row."""
    copy = _private_copy(path, tmp_path)
    nb, outcome = execute(copy, extra_env=clean_env(), runs=2)
    assert not outcome.error, f"{_id(path)} failed: {outcome.error}"
    check = [c for c in nb.cells if c.cell_type == "code"][-1]
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in check.get("outputs", []))
    assert "all checks passed" in shown, f"{_id(path)}'s check cell on the second run showed: {shown[-2000:]}"
    _, outcome = execute(copy, extra_env=clean_env())
    assert not outcome.error, f"{_id(path)} failed from a second fresh kernel: {outcome.error}"


def test_every_lesson_has_a_solution_and_lab() -> None:
    """Each module is a lesson, a solution and a lab with the same stem."""
    lessons = {p.name for p in LESSONS}
    assert lessons, "no lessons found"
    for solution in SOLUTIONS:
        assert solution.name in lessons, f"solutions/{solution.name} has no lesson in notebooks/"
        assert "### BEGIN SOLUTION" in solution.read_text(), f"solutions/{solution.name} has no solution region"
