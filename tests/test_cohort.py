"""Cohort cleanup and cost: every learner of a cohort file, nothing outside it, one sentence for a bad file."""
from __future__ import annotations

import pytest

from kmscourse import cli, cohort, demo_keys
from kmscourse.errors import CourseError


@pytest.mark.parametrize(("text", "says"), [
    ("ana\nBob Smith\n", "cohort.txt line 2: 'Bob Smith' is not a learner name"),
    ("ana\nben\nana\n", "cohort.txt line 3: 'ana' is listed twice"),
    ("# nobody yet\n\n", "lists no learner"),
])
def test_a_cohort_file_with_a_typo_stops_before_anything_is_touched(tmp_path, text: str, says: str) -> None:
    path = tmp_path / "cohort.txt"
    path.write_text(text)
    with pytest.raises(CourseError, match=says):
        cohort.read(path)


def test_comments_and_blank_lines_are_skipped(tmp_path) -> None:
    path = tmp_path / "cohort.txt"
    path.write_text("# room 4\nana  # front row\n\nben\n")
    assert cohort.read(path) == ["ana", "ben"]


def test_a_missing_file_is_one_sentence(tmp_path, capsys) -> None:
    assert cli.main(["cohort", "cleanup", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kmscourse: There is no cohort file at") and err.count("\n") == 1


def test_cohort_cleanup_removes_each_learner_and_leaves_the_others(course) -> None:
    ana, ben, carl = (cohort.as_learner(course, name) for name in ("cohort-ana", "cohort-ben", "cohort-carl"))
    keys = {c.learner: demo_keys.ensure_key(c, "one", "cohort test").key_id for c in (ana, ben, carl)}
    dry = cohort.teardown(course, ["cohort-ana", "cohort-ben"], dry_run=True)
    assert all(r.ok and r.done for r in dry.values())
    kms = course.client("kms")
    assert {kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] for k in keys.values()} == {"Enabled"}
    assert cohort.monthly_usd(course, ["cohort-ana", "cohort-carl"]) == {"cohort-ana": 1.0, "cohort-carl": 1.0}
    reports = cohort.teardown(course, ["cohort-ana", "cohort-ben"])
    assert cohort.survivors(reports) == []
    states = {learner: kms.describe_key(KeyId=k)["KeyMetadata"]["KeyState"] for learner, k in keys.items()}
    assert states == {"cohort-ana": "PendingDeletion", "cohort-ben": "PendingDeletion", "cohort-carl": "Enabled"}
    again = cohort.teardown(course, ["cohort-ana", "cohort-ben"])
    assert all(r.ok and not r.done for r in again.values())


def test_the_command_prices_then_cleans_the_cohort_on_the_running_emulator(course, tmp_path, capsys) -> None:
    """The session course pointed this process's AWS_ENDPOINT_URL at its emulator, as a notebook does."""
    path = tmp_path / "cohort.txt"
    path.write_text("cmd-ana\ncmd-ben\n")
    for name in ("cmd-ana", "cmd-ben"):
        demo_keys.ensure_key(cohort.as_learner(course, name), "one", "cohort command test")
    assert cli.main(["cohort", "cost", str(path)]) == 0
    assert "cohort total: about USD 2.00 per month" in capsys.readouterr().out
    assert cli.main(["cohort", "cleanup", str(path)]) == 0
    out = capsys.readouterr().out
    assert "== cmd-ana" in out and "== cmd-ben" in out and "Nothing of the cohort's 2 learners survived" in out
