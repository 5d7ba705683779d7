"""Every lab check records its result in the learner's progress file; `kmscourse progress` tables it."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support import BIN, ROOT, clean_env

from kmscourse import progress
from kmscourse.checks.result import CheckResult
from kmscourse.errors import CourseError


@pytest.fixture
def progress_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway progress file, and no hub in the environment."""
    path = tmp_path / "home" / ".kmscourse" / "progress.jsonl"
    monkeypatch.setenv("KMSCOURSE_PROGRESS_FILE", str(path))
    for name in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_USER", "JUPYTERHUB_PUBLIC_HUB_URL", "KMSCOURSE_PROGRESS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "0")
    return path


def _result(passed: bool) -> CheckResult:
    result = CheckResult("Lab 03")
    result.add("the ciphertext exists", True)
    result.add("it decrypts to your text", passed, "decrypt the file you encrypted, not the original.")
    return result


def test_finish_appends_one_record_with_items_and_hints(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMSCOURSE_LEARNER", "ana")
    _result(False).finish()
    (record,) = [json.loads(line) for line in progress_file.read_text().splitlines()]
    assert record["learner"] == "ana" and record["lab"] == "Lab 03" and record["passed"] is False
    assert record["passed_items"] == ["the ciphertext exists"] and record["failed_items"] == ["it decrypts to your text"]
    assert record["hints"] == ["decrypt the file you encrypted, not the original."]
    assert record["time"].endswith("+00:00")


def test_a_strict_failure_is_recorded_before_it_raises(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError):
        _result(False).finish()
    assert len(progress.load(progress_file)) == 1


def test_the_hub_user_names_the_record(progress_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "ana.lopez")
    assert _result(True).finish().passed and progress.load()[0]["learner"] == "ana.lopez"


def test_an_unreachable_service_prints_one_line_and_keeps_the_record(progress_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "not-a-real-token")
    monkeypatch.setenv("KMSCOURSE_PROGRESS_URL", "http://127.0.0.1:9/services/kmscourse/")  # the discard port: refused
    result = _result(True).finish()
    assert result.passed
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("kmscourse: your result was not sent to the workshop dashboard (") and "kept in your own" in line
    assert len(progress.load()) == 1


def test_an_unwritable_progress_file_never_breaks_the_check(progress_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    progress_file.parent.parent.mkdir(parents=True)
    progress_file.parent.write_text("a file where the folder should be")
    assert _result(True).finish().passed
    assert "your progress was not saved" in capsys.readouterr().err


def test_table_shows_each_labs_last_result(progress_file: Path) -> None:
    _result(False).finish()
    _result(True).finish()
    later = CheckResult("Lab 00")
    later.add("identity", False, "use the Arn")
    later.finish()
    rows = progress.table(progress.load()).splitlines()
    assert rows[0].startswith("| Lab | Last result |")
    assert rows[2].startswith("| Lab 00 | FAIL (1 to fix) | 0 of 1 | 1 |")
    assert rows[3].startswith("| Lab 03 | PASS | 2 of 2 | 2 |")


def test_the_cli_says_so_when_there_is_no_progress(tmp_path: Path) -> None:
    env = clean_env(KMSCOURSE_PROGRESS_FILE=str(tmp_path / "none.jsonl"))
    proc = subprocess.run([str(BIN / "kmscourse"), "progress"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("No lab checks recorded yet in ")
    assert len(proc.stdout.strip().splitlines()) == 1


def test_the_cli_prints_the_table(progress_file: Path) -> None:
    _result(True).finish()
    env = clean_env(KMSCOURSE_PROGRESS_FILE=str(progress_file))
    proc = subprocess.run([str(BIN / "kmscourse"), "progress"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 0 and "| Lab 03 | PASS | 2 of 2 | 1 |" in proc.stdout
