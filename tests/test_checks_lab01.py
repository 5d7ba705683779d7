"""Lab 01's check: the right stack passes, and each common mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest

from kmscourse import cast, stacks
from kmscourse.checks import lab01
from kmscourse.checks.elsewhere import client
from kmscourse.errors import CourseError

NO_ALIAS = "course-key-no-alias.yaml"



@pytest.fixture(scope="module", autouse=True)
def remove_test_stacks(course):
    """Delete the stacks these tests made, so other tests in the session see only what they made."""
    yield
    for region in (course.region, "us-east-1"):
        cfn = client(course, "cloudformation", region)
        for stack in cfn.describe_stacks()["Stacks"]:
            if stack["StackName"].startswith(course.name("t01-")):
                cfn.delete_stack(StackName=stack["StackName"])


def deploy(course, suffix: str, body: str | None = None, learner: str | None = None) -> str:
    name = course.name(f"t01-{suffix}")
    stacks.deploy(course, name, body or stacks.template(NO_ALIAS), {"LearnerArn": learner or course.principal_arn, "LearnerTag": course.learner})
    return name


def test_right_stack_passes(course) -> None:
    result = lab01.check(course, deploy(course, "good"))
    assert result.passed, str(result)
    assert len(result.items) == 9


def test_wrong_principal_names_it(course) -> None:
    other = cast.colleague(course).arn  # a real user: KMS refuses a policy naming one that does not exist
    result = lab01.check(course, deploy(course, "principal", learner=other))
    hints = result.hints()
    assert [i.name for i in result.failures] == ["the key policy makes you key administrator", "the key policy makes you key user"]
    assert all(f"The policy names {other}, not you." in h for h in hints)
    assert hints[0].startswith(f"no statement naming you ({course.principal_arn}) allows kms:DescribeKey, kms:GetKeyPolicy")


def test_missing_root_statement(course) -> None:
    text = stacks.template(NO_ALIAS)
    start = text.index("          - Sid: EnableIAMPoliciesInThisAccount")
    end = text.index("          - Sid: AllowKeyAdministration")
    result = lab01.check(course, deploy(course, "noroot", body=text[:start] + text[end:]))
    assert [i.name for i in result.failures] == ["the key policy keeps the account-root statement"]
    assert result.hints()[0].startswith("no statement allows kms:* to arn:aws:iam::123456789012:root.")


def test_user_statement_missing(course) -> None:
    text = stacks.template(NO_ALIAS)
    body = text[: text.index("          - Sid: AllowKeyUse")] + text[text.index("      Tags:"):]
    result = lab01.check(course, deploy(course, "nouse", body=body))
    assert [i.name for i in result.failures] == ["the key policy makes you key user"]
    assert "allows kms:Encrypt, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo, kms:GenerateDataKey." in result.hints()[0]


def test_stack_in_wrong_region(course) -> None:
    name = course.name("t01-region")
    cfn = client(course, "cloudformation", "us-east-1")
    cfn.create_stack(StackName=name, TemplateBody=stacks.template(NO_ALIAS),
                     Parameters=[{"ParameterKey": "LearnerArn", "ParameterValue": course.principal_arn}])
    result = lab01.check(course, name)
    assert result.hints() == [
        f"your stack '{name}' is in us-east-1, but the course works in {course.region}; deploy it with "
        f"course.client('cloudformation') (or aws --region {course.region})."
    ]


def test_no_stack_at_all(course) -> None:
    result = lab01.check(course, "kmscourse-learner-nothing")
    assert result.hints() == [f"there is no stack 'kmscourse-learner-nothing' in {course.region}; deploy your template first."]


def test_disabled_key(course) -> None:
    name = deploy(course, "disabled")
    key_id = stacks.outputs(course, name)["KeyId"]
    course.client("kms").disable_key(KeyId=key_id)
    try:
        result = lab01.check(course, name)
    finally:
        course.client("kms").enable_key(KeyId=key_id)
    assert result.hints() == [f"key {key_id} is Disabled; enable it (kms.enable_key) or cancel its deletion."]


def test_stack_name_not_a_string(course) -> None:
    result = lab01.check(course, {"StackName": "x"})
    assert result.hints() == ["stack_name is {'StackName': 'x'}; give the name of your stack as a string."]


def test_policy_that_locks_you_out_rolls_back_with_the_reason(course) -> None:
    """Without the root statement and with only a colleague named, KMS's lockout check fails the key."""
    text = stacks.template(NO_ALIAS)
    start = text.index("          - Sid: EnableIAMPoliciesInThisAccount")
    end = text.index("          - Sid: AllowKeyAdministration")
    lockout = "The new key policy will not allow you to update the key policy in the future."
    with pytest.raises(CourseError, match="ROLLBACK_COMPLETE: CourseKey: .*" + lockout):
        deploy(course, "lockout", body=text[:start] + text[end:], learner=cast.colleague(course).arn)
    result = lab01.check(course, course.name("t01-lockout"))
    assert not result.passed
    assert result.failures[0].name == "the stack is CREATE_COMPLETE or UPDATE_COMPLETE"
    assert "ROLLBACK_COMPLETE" in result.hints()[0] and lockout in result.hints()[0]

