"""Every CloudFormation template in templates/ is cfn-lint clean, and the course key template keeps its contract."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.decode import cfn_yaml
from support import ROOT

TEMPLATES = sorted((ROOT / "templates").glob("*.yaml"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_cfn_lint_clean(path) -> None:
    """cfn-lint reports nothing: no errors, warnings or informational findings."""
    run = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_there_are_templates() -> None:
    assert any(p.name == "course-key.yaml" for p in TEMPLATES)


def test_course_key_contract() -> None:
    """Every later lesson deploys course-key.yaml through prereqs.ensure_course_key with these names."""
    t = cfn_yaml.loads((ROOT / "templates" / "course-key.yaml").read_text())
    assert {"LearnerArn", "AliasName", "PendingWindowInDays", "LearnerTag"} <= set(t["Parameters"])
    assert {"KeyId", "KeyArn", "AliasName"} <= set(t["Outputs"])


def test_lesson01_variant_is_the_same_key_without_the_alias() -> None:
    """Lesson 01 deploys the no-alias variant; lesson 02 updates the stack to course-key.yaml. Same key resource."""
    full = cfn_yaml.loads((ROOT / "templates" / "course-key.yaml").read_text())
    bare = cfn_yaml.loads((ROOT / "templates" / "course-key-no-alias.yaml").read_text())
    assert bare["Resources"]["CourseKey"] == full["Resources"]["CourseKey"]
    assert set(full["Resources"]) - set(bare["Resources"]) == {"CourseKeyAlias"}
    assert {"KeyId", "KeyArn"} == set(bare["Outputs"])


@pytest.mark.parametrize("name", ["course-key.yaml", "course-key-no-alias.yaml"])
def test_key_policy_keeps_root_and_names_the_learner_twice(name) -> None:
    t = cfn_yaml.loads((ROOT / "templates" / name).read_text())
    statements = t["Resources"]["CourseKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert statements[0]["Principal"]["AWS"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    assert statements[0]["Action"] == "kms:*"
    assert [s["Principal"]["AWS"] for s in statements[1:]] == [{"Ref": "LearnerArn"}] * 2


def test_cfn_lint_would_catch_a_broken_template(tmp_path) -> None:
    """The lint test can fail: a key whose policy lacks its Statement is reported."""
    broken = (ROOT / "templates" / "course-key-no-alias.yaml").read_text().replace("KeyUsage: ENCRYPT_DECRYPT", "KeyUsage: ENCRYPT_ONLY")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    run = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "ENCRYPT_ONLY" in run.stdout


def test_lint_folds_one_wrong_principal_to_the_finding_that_names_it(tmp_path) -> None:
    """A principal that is no ARN, in both statements, makes cfn-lint print 13 findings; stacks.lint shows one line
    for it (with both lines) and one for the parameter it left unused."""
    from kmscourse import stacks

    wrong = (ROOT / "templates" / "course-key-no-alias.yaml").read_text().replace("AWS: !Ref LearnerArn", 'AWS: "learner"')
    path = tmp_path / "wrong-principal.yaml"
    path.write_text(wrong)
    lines = stacks.lint(path).splitlines()
    assert lines[0].startswith("cfn-lint: 2 problem(s) in 13 findings")
    assert lines[1].startswith("E3512 lines ") and "'learner' is not valid under any of the given schemas" in lines[1]
    assert lines[2] == "W2001 line 8: Parameter LearnerArn not used."
    assert stacks.lint(ROOT / "templates" / "course-key.yaml") == "cfn-lint: no findings"


def test_cohort_template_contract() -> None:
    """cohort_identities deploys cohort-learner.yaml with LearnerName and reads these outputs; the name pattern is the course's."""
    from kmscourse.course import _LEARNER_RE

    t = cfn_yaml.loads((ROOT / "templates" / "cohort-learner.yaml").read_text())
    assert t["Parameters"]["LearnerName"]["AllowedPattern"] == _LEARNER_RE.pattern
    assert {"UserName", "UserArn", "PolicyArn"} <= set(t["Outputs"])
    assert t["Resources"]["Learner"]["Properties"]["Tags"] == [{"Key": "kmscourse:learner", "Value": {"Ref": "LearnerName"}}]
