"""A learner's lab work lives in my-labs/: made once from labs/, never overwritten, reset with a backup, ignored by git."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from support import BIN, ROOT, clean_env

from kmscourse import labs, my_labs
from kmscourse.errors import CourseError


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A course folder with two solutions, their generated labs and the lessons' folder (what `_root()` wants)."""
    for name in ("solutions", "notebooks"):
        (tmp_path / name).mkdir()
    for solution in sorted((ROOT / "solutions").glob("*.ipynb"))[2:4]:
        shutil.copy(solution, tmp_path / "solutions" / solution.name)
    labs.write_all(tmp_path)
    return tmp_path


def _edit(path: Path, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(text))
    nbformat.write(nb, path)


def _kmscourse(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kmscourse"), *args], capture_output=True, text=True, cwd=root, env=clean_env(), timeout=120)


def test_copies_are_made_once_and_never_overwritten(course_root: Path) -> None:
    first = my_labs.ensure_all(course_root)
    assert [c.created for c in first] == [True, True]
    mine = first[0].path
    assert mine.parent == course_root / "my-labs" and mine.name == "02-aliases.ipynb"
    _edit(mine, "alias_name = 'alias/kmscourse-learner-mine'")
    again = my_labs.ensure_all(course_root)
    assert [c.created for c in again] == [False, False]
    assert "alias/kmscourse-learner-mine" in mine.read_text()


def test_the_copy_says_whose_it_is_and_links_its_lesson_and_answer(course_root: Path) -> None:
    copy = my_labs.ensure(course_root, my_labs.find_lab(course_root, "3")).path
    nb = nbformat.read(copy, as_version=4)
    note = nb.cells[0].source
    assert nb.cells[0].id == my_labs.NOTE_ID
    assert "your own copy of lab 03" in note and "kmscourse lab reset 03" in note
    assert "](../notebooks/03-encrypt-decrypt-cli.ipynb)" in note and "](../solutions/03-encrypt-decrypt-cli.ipynb)" in note
    assert nb.metadata["kmscourse"]["copied_from"] == "labs/03-encrypt-decrypt-cli.ipynb"
    generated = nbformat.read(course_root / "labs" / copy.name, as_version=4)
    assert [c.source for c in nb.cells[1:]] == [c.source for c in generated.cells[1:]]


def test_make_labs_and_the_drift_check_ignore_edited_copies(course_root: Path) -> None:
    """`make labs` rewrites labs/ only, and `kmscourse labs --check` (the test suite's) stays green with copies present."""
    copies = my_labs.ensure_all(course_root)
    for copy in copies:
        _edit(copy.path, "print('my answer')")
    before = {c.path: c.path.read_text() for c in copies}
    labs.write_all(course_root)
    assert labs.stale(course_root) == []
    assert {c.path: c.path.read_text() for c in copies} == before
    assert _kmscourse(course_root, "labs", "--check").returncode == 0


def test_reset_keeps_a_backup_and_starts_over(course_root: Path) -> None:
    lab = my_labs.find_lab(course_root, "02")
    copy = my_labs.ensure(course_root, lab).path
    _edit(copy, "print('half done')")
    fresh, backup = my_labs.reset(course_root, lab, now=dt.datetime(2026, 1, 2, 3, 4, 5))
    assert backup == course_root / "my-labs" / "backups" / "02-aliases.20260102-030405.ipynb"
    assert "half done" in backup.read_text() and "half done" not in fresh.path.read_text()
    assert fresh.created and fresh.path == copy


def test_reset_without_a_copy_just_makes_one(course_root: Path) -> None:
    fresh, backup = my_labs.reset(course_root, my_labs.find_lab(course_root, "03-encrypt-decrypt-cli"))
    assert backup is None and fresh.created


def test_an_unknown_lab_names_the_choices(course_root: Path) -> None:
    with pytest.raises(CourseError, match="There is no lab '7' in labs/; give its number, one of 02, 03."):
        my_labs.find_lab(course_root, "7")


def test_the_command_makes_keeps_and_resets(course_root: Path) -> None:
    made = _kmscourse(course_root, "lab")
    assert made.returncode == 0, made.stderr
    assert "my-labs/02-aliases.ipynb: made" in made.stdout and "Your labs are in my-labs/ (2 of them)" in made.stdout
    _edit(course_root / "my-labs" / "02-aliases.ipynb", "print('mine')")
    kept = _kmscourse(course_root, "lab", "02")
    assert kept.stdout.strip() == "my-labs/02-aliases.ipynb: kept (your work is untouched)"
    reset = _kmscourse(course_root, "lab", "reset", "2")
    assert reset.returncode == 0 and reset.stdout.startswith("kept your previous copy as my-labs/backups/02-aliases.")
    wrong = _kmscourse(course_root, "lab", "reset")
    assert wrong.returncode == 2 and wrong.stderr.strip() == "kmscourse: Say which lab to start over, for example: kmscourse lab reset 03"


def test_git_and_the_linters_leave_my_labs_alone() -> None:
    """my-labs/ is ignored by git, and ruff (which reads notebooks) skips it, so a learner's code cannot fail `make lint`."""
    probe = ROOT / "my-labs" / "99-probe.ipynb"
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=ROOT)
    assert ignored.returncode == 0, "my-labs/ is not in .gitignore"
    assert '"my-labs"' in (ROOT / "pyproject.toml").read_text().split("extend-exclude", 1)[1].split("\n", 1)[0]


def test_make_lab_makes_the_copies_and_opens_lesson_00(course_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make lab` runs `kmscourse jupyter`, which copies the labs first, then becomes JupyterLab on lesson 00's deep
    link with etc/jupyter first on the config path (the route conda users take too)."""
    from kmscourse import cli, learner_lab

    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.kmscourse-installed", "lab", "LAB_ARGS=--no-browser"],
                            cwd=ROOT, capture_output=True, text=True, env=clean_env())
    assert recipe.stdout.strip().splitlines() == [".venv/bin/kmscourse jupyter --no-browser"], recipe.stdout
    started: list[tuple[list[str], dict[str, str]]] = []

    def replace_process(root: Path, extra: list[str]) -> None:
        assert sorted(p.name for p in (root / my_labs.FOLDER).glob("*.ipynb")) == sorted(p.name for p in (root / "labs").glob("*.ipynb"))
        started.append((learner_lab.command(root, extra), learner_lab.environment(root)))

    monkeypatch.setattr(cli, "_root", lambda: course_root)
    monkeypatch.setattr(learner_lab, "replace_process", replace_process)
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/elsewhere")
    assert cli.main(["jupyter", "--no-browser", "--port", "8899"]) == 0
    [(command, env)] = started
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert "--LabApp.default_url=/lab/tree/notebooks/00-setup-and-orientation.ipynb" in command
    assert f"--ServerApp.root_dir={course_root}" in command and command[-3:] == ["--no-browser", "--port", "8899"]
    assert env["JUPYTER_CONFIG_PATH"].split(":") == [str(course_root / "etc" / "jupyter"), "/elsewhere"]


def test_other_commands_still_refuse_unknown_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from kmscourse import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["costs", "--no-browser"])
    assert exc.value.code == 2 and "unrecognized arguments: --no-browser" in capsys.readouterr().err
