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


def _cohort_state(course, learners: list[str]) -> dict[str, object]:
    """What provision would change: the learners' stacks, users and access keys."""
    from kmscourse import cohort_identities, stacks

    iam = course.client("iam")
    users = {u["UserName"] for u in iam.list_users()["Users"]}
    return {name: (stacks.status(course, cohort_identities.stack_name(name)),
                   cohort_identities.user_name(name) in users and
                   [k["AccessKeyId"] for k in iam.list_access_keys(UserName=cohort_identities.user_name(name))["AccessKeyMetadata"]])
            for name in learners}


def test_provision_dry_run_prints_the_plan_and_changes_nothing(course, tmp_path, capsys) -> None:
    path, out = tmp_path / "cohort.txt", tmp_path / "creds"
    path.write_text("dry-ana\ndry-ben\n")
    before = _cohort_state(course, ["dry-ana", "dry-ben"])
    assert cli.main(["cohort", "provision", str(path), "--dry-run", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "create stack kmscourse-cohort-dry-ana" in said and "create stack kmscourse-cohort-dry-ben" in said
    assert f"write it to {out}/dry-ben.env" in said and "Dry run: nothing was changed." in said
    assert _cohort_state(course, ["dry-ana", "dry-ben"]) == before == {"dry-ana": (None, False), "dry-ben": (None, False)}
    assert not out.exists()


def test_provision_then_cleanup_the_cohort_identities(course, tmp_path, capsys) -> None:
    """Provision writes one private file per learner and prints no secret; a rerun keeps the keys; cleanup removes the
    stacks and users, and leaves another learner's identity stack alone."""
    from kmscourse import cohort_identities

    path, out = tmp_path / "cohort.txt", tmp_path / "creds"
    path.write_text("prov-ana\nprov-ben\n")
    cohort_identities.provision(course, ["prov-carl"], tmp_path / "carl", echo=lambda line: None)
    assert cli.main(["cohort", "provision", str(path), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    secrets = [cohort_identities.read_env(out / f"{n}.env")["AWS_SECRET_ACCESS_KEY"] for n in ("prov-ana", "prov-ben")]
    assert "2 learners provisioned" in said and not any(s in said for s in secrets)
    first = _cohort_state(course, ["prov-ana", "prov-ben"])
    assert all(state == "CREATE_COMPLETE" and len(keys) == 1 for state, keys in first.values())
    assert cli.main(["cohort", "provision", str(path), "--out", str(out)]) == 0
    assert _cohort_state(course, ["prov-ana", "prov-ben"]) == first and capsys.readouterr().out.count("kept") == 2
    assert cli.main(["cohort", "cleanup", str(path), "--dry-run"]) == 0
    assert "then stack kmscourse-cohort-prov-ana" in capsys.readouterr().out
    assert _cohort_state(course, ["prov-ana", "prov-ben"]) == first
    assert cli.main(["cohort", "cleanup", str(path)]) == 0
    assert "deleted stack kmscourse-cohort-prov-ben" in capsys.readouterr().out
    carl = cohort_identities.read_env(tmp_path / "carl" / "prov-carl.env")["AWS_ACCESS_KEY_ID"]
    assert _cohort_state(course, ["prov-ana", "prov-ben", "prov-carl"]) == {
        "prov-ana": (None, False), "prov-ben": (None, False), "prov-carl": ("CREATE_COMPLETE", [carl])}


@pytest.mark.parametrize(("names", "says"), [
    ("cohort\n", "'cohort' cannot be a learner name"),
    ("ana\nana-b\n", "'ana-b' starts with 'ana-'"),
])
def test_provision_refuses_names_whose_prefixes_overlap_before_anything_is_touched(tmp_path, capsys, monkeypatch, names, says) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)  # refused before any backend is reached
    path = tmp_path / "cohort.txt"
    path.write_text(names)
    assert cli.main(["cohort", "provision", str(path), "--out", str(tmp_path / "creds")]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1 and not (tmp_path / "creds").exists()


def test_a_cohort_stack_name_the_cohort_did_not_tag_is_neither_updated_nor_deleted(course, tmp_path, capsys) -> None:
    """A stack named kmscourse-cohort-<learner> without the learner's tag is not the cohort's: provision refuses before
    any change, and cleanup leaves it."""
    from kmscourse import cohort_identities, stacks

    body = stacks.template("course-key-no-alias.yaml")
    cfn = course.client("cloudformation")
    cfn.create_stack(StackName="kmscourse-cohort-foreign", TemplateBody=body, Tags=[{"Key": "owner", "Value": "someone"}],
                     Parameters=[{"ParameterKey": "LearnerArn", "ParameterValue": course.principal_arn}])
    assert stacks.wait(course, "kmscourse-cohort-foreign") == "CREATE_COMPLETE"
    path = tmp_path / "cohort.txt"
    path.write_text("prov-first\nforeign\n")
    assert cli.main(["cohort", "provision", str(path), "--out", str(tmp_path / "creds")]) == 2
    assert "Stack kmscourse-cohort-foreign exists but is not tagged" in capsys.readouterr().err
    assert stacks.status(course, cohort_identities.stack_name("prov-first")) is None and not (tmp_path / "creds").exists()
    assert cli.main(["cohort", "cleanup", str(path)]) == 0
    assert stacks.status(course, "kmscourse-cohort-foreign") == "CREATE_COMPLETE"
    stacks.delete(course, "kmscourse-cohort-foreign")


def test_provision_on_a_sandbox_account_needs_yes(course, tmp_path, capsys, monkeypatch) -> None:
    """On KMSCOURSE_BACKEND=aws (the emulator standing in for the account, as in test_sandbox_guard.py), provision
    without --yes refuses with one sentence and changes nothing."""
    import os

    import kmscourse

    path = tmp_path / "cohort.txt"
    path.write_text("yes-ana\n")
    saved = dict(os.environ)  # connecting to the "sandbox" points this process's AWS CLI files at its own
    monkeypatch.setenv("KMSCOURSE_BACKEND", "aws")
    monkeypatch.setenv("KMSCOURSE_ACCOUNT_ID", course.account_id)
    monkeypatch.setattr(kmscourse, "_current", None)
    try:
        assert cli.main(["cohort", "provision", str(path), "--out", str(tmp_path / "creds")]) == 2
    finally:
        os.environ.clear()
        os.environ.update(saved)
        kmscourse._current = course
    err = capsys.readouterr().err
    assert "cohort provision on a real account needs --yes" in err and err.count("\n") == 1
    assert _cohort_state(course, ["yes-ana"]) == {"yes-ana": (None, False)} and not (tmp_path / "creds").exists()
