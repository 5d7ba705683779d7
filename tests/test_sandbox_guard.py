"""KMSCOURSE_BACKEND=aws refuses to start unless KMSCOURSE_ACCOUNT_ID is the account STS reports.

The emulator stands in for STS: it answers get-caller-identity with account 123456789012.
"""
from __future__ import annotations

import pytest

import kmscourse
from kmscourse import sandbox
from kmscourse.errors import CourseError


@pytest.fixture
def sts_standin(course, monkeypatch):
    """Point the default credential chain at the emulator, as a sandbox profile would point at AWS."""
    import os

    monkeypatch.setenv("AWS_ENDPOINT_URL", os.environ["AWS_ENDPOINT_URL"])
    monkeypatch.setenv("KMSCOURSE_BACKEND", "aws")
    monkeypatch.setattr(kmscourse, "_current", None)
    saved = dict(os.environ)
    yield course
    os.environ.clear()
    os.environ.update(saved)
    kmscourse._current = course


def test_missing_account_id_refuses_with_instructions(sts_standin, monkeypatch) -> None:
    monkeypatch.delenv("KMSCOURSE_ACCOUNT_ID", raising=False)
    with pytest.raises(CourseError, match="needs KMSCOURSE_ACCOUNT_ID set to your sandbox account's 12-digit id"):
        kmscourse.start(quiet=True)


def test_mismatching_account_id_refuses_and_names_both(sts_standin, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", "111122223333")
    with pytest.raises(CourseError, match="belong to account 123456789012, but KMSCOURSE_ACCOUNT_ID is 111122223333"):
        kmscourse.start(quiet=True)


def test_malformed_account_id_refuses(sts_standin, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", "12345")
    with pytest.raises(CourseError, match="12-digit account id"):
        kmscourse.start(quiet=True)


def test_matching_account_id_connects_and_prints_a_prominent_banner(sts_standin, monkeypatch, capsys) -> None:
    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", "123456789012")
    course = kmscourse.start()
    assert course.backend == "aws" and course.account_id == "123456789012"
    assert course.identity_arn == sts_standin.identity_arn
    assert "REAL AWS sandbox account" in capsys.readouterr().out


def test_advance_clock_says_it_is_emulator_only(sts_standin, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", "123456789012")
    with pytest.raises(CourseError, match="works only on the embedded emulator"):
        sandbox.connect("learner").advance_clock(days=8)


def test_unknown_backend_is_one_sentence(monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_BACKEND", "localstack")
    monkeypatch.setattr(kmscourse, "_current", None)
    with pytest.raises(CourseError, match="KMSCOURSE_BACKEND is 'localstack', which the course does not know"):
        kmscourse.start(quiet=True)


def test_bad_learner_name_is_one_sentence(monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_LEARNER", "Ada Lovelace")
    monkeypatch.setattr(kmscourse, "_current", None)
    with pytest.raises(CourseError, match="KMSCOURSE_LEARNER is 'Ada Lovelace'"):
        kmscourse.start(quiet=True)


def test_sandbox_cli_uses_course_files_with_cast_profiles(sts_standin, monkeypatch, tmp_path) -> None:
    """`!aws` cells on the sandbox get the learner's credentials as the default profile, and cast members named
    profiles, in the course's own files (the learner's ~/.aws is never written)."""
    import os
    import subprocess

    from support import BIN

    from kmscourse import cast

    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", "123456789012")
    monkeypatch.setenv("HOME", str(tmp_path))
    course = kmscourse.start(quiet=True)
    assert course.aws_files is not None and "endpoint_url" not in course.aws_files.config_path.read_text()
    colleague = cast.colleague(course)
    assert colleague.profile == "colleague"
    who = subprocess.run([str(BIN / "aws"), "--profile", colleague.profile, "sts", "get-caller-identity"],
                         capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert who.returncode == 0, who.stderr
    assert '"Arn": "arn:aws:iam::123456789012:user/kmscourse-learner-colleague"' in who.stdout
    assert not (tmp_path / ".aws").exists()


def test_advance_clock_refused_on_sandbox_backend() -> None:
    """A Course on the sandbox backend refuses advance_clock with a CourseError, without touching the emulator clock."""
    from kmscourse.course import Course
    from kmsemu import clock

    sandbox = Course(backend="aws", session=None, account_id="111122223333", region="us-west-2",  # type: ignore[arg-type]
                     identity_arn="arn:aws:iam::111122223333:user/learner", learner="learner")
    before = clock.offset()
    with pytest.raises(kmscourse.CourseError, match="only on the embedded emulator"):
        sandbox.advance_clock(days=8)
    assert clock.offset() == before
