"""Lab 01's check: the right stack passes, and each common mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest
from test_cleanup import as_learner

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
            if stack["StackName"].startswith(course.name("t01-")) or stack["StackName"].endswith(lab01.TEAMMATE):
                cfn.delete_stack(StackName=stack["StackName"])


def deploy(course, suffix: str, body: str | None = None, learner: str | None = None) -> str:
    name = course.name(f"t01-{suffix}")
    stacks.deploy(course, name, body or stacks.template(NO_ALIAS), {"LearnerArn": learner or course.principal_arn, "LearnerTag": course.learner})
    return name


def test_right_stack_passes(course) -> None:
    result = lab01.check(course, deploy(course, "good"))
    assert result.passed, str(result)
    assert len(result.items) == 10


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
    assert result.hints()[0].endswith("with the cryptographic operations: encrypt, decrypt, re-encrypt and generate data keys.")


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
    assert result.hints() == [f"there is no stack 'kmscourse-learner-nothing' in {course.region}; deploy your template first (Exercise 2)."]


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
    assert [i.name for i in result.failures] == ["the stack is CREATE_COMPLETE or UPDATE_COMPLETE"]
    hint = result.hints()[0]
    assert hint.startswith("the stack is ROLLBACK_COMPLETE because CourseKey: ") and lockout in hint
    assert "KeyId output" not in hint, "a rolled-back stack gets its failure reason, not an output to add"


def test_rolled_back_update_names_that_updates_cause(course) -> None:
    """After a failed update, the hint gives the latest update's root cause, not an older failure's."""
    name = deploy(course, "update")
    text = stacks.template(NO_ALIAS).replace("KeySpec: SYMMETRIC_DEFAULT", "KeySpec: RSA_2048")
    with pytest.raises(CourseError):
        stacks.deploy(course, name, text, {"LearnerArn": course.principal_arn, "LearnerTag": course.learner})
    result = lab01.check(course, name)
    assert [i.name for i in result.failures] == ["the stack is CREATE_COMPLETE or UPDATE_COMPLETE"]
    assert result.hints()[0].startswith("the stack is UPDATE_ROLLBACK_COMPLETE because CourseKey: ")


def test_one_statement_with_both_roles(course) -> None:
    text = stacks.template(NO_ALIAS)
    admin = text.index("          - Sid: AllowKeyAdministration")
    use = text.index("          - Sid: AllowKeyUse")
    everything = ("          - Sid: YouDoEverything\n            Effect: Allow\n            Principal:\n"
                  "              AWS: !Ref LearnerArn\n            Action: \"kms:*\"\n            Resource: \"*\"\n")
    body = text[:admin] + everything + text[text.index("      Tags:"):]
    assert use > admin
    result = lab01.check(course, deploy(course, "mixed", body=body))
    assert result.hints() == [
        "statement YouDoEverything lets you both administer the key (kms:PutKeyPolicy) and use it (kms:Decrypt). "
        "Keep administration and use in separate statements, so each role can later go to a different principal."
    ]


def teammate(course) -> str:
    """Exercise 3's stack: the template with an administrator IAM does not know, so KMS refuses the policy."""
    name = course.name(lab01.TEAMMATE)
    stacks.delete(course, name)
    body = stacks.template(NO_ALIAS).replace("AWS: !Ref LearnerArn", f"AWS: arn:aws:iam::{course.account_id}:user/{course.name('sam')}", 1)
    course.client("cloudformation").create_stack(
        StackName=name, TemplateBody=body, Tags=course.tags(),
        Parameters=[{"ParameterKey": "LearnerArn", "ParameterValue": course.principal_arn}])
    assert stacks.wait(course, name) == "ROLLBACK_COMPLETE"
    return name


SAM = "arn:aws:iam::123456789012:user/kmscourse-learner-sam"


def test_rollback_diagnosed_from_the_events_passes(course) -> None:
    name = teammate(course)
    reason = lab01.latest_failure(course, name)["ResourceStatusReason"]
    assert "invalid principals" in reason
    result = lab01.check(course, deploy(course, "diag"), "CourseKey", reason, SAM)
    assert result.passed, str(result)


def test_the_stacks_own_rollback_event_is_not_the_cause(course) -> None:
    name = teammate(course)
    result = lab01.check(course, deploy(course, "diag2"), name,
                         "The following resource(s) failed to create: [CourseKey]. Rollback requested by user.", course.principal_arn)
    assert result.hints() == [
        f"'{name}' is the stack itself: its ROLLBACK events only say that something failed. The root cause is the "
        "earliest event whose ResourceStatus ends in FAILED and whose LogicalResourceId is a resource.",
        "that is the stack's summary of the rollback, not its cause; take ResourceStatusReason from the earliest "
        "failed event of CourseKey.",
        "that is you (the LearnerArn parameter), and you exist; which principal does IAM not know?",
    ]


def test_the_lab_check_cell_alone_names_the_exercises_to_do(course) -> None:
    """`lab01.check(course)` with nothing defined yet: no NameError, and each hint says which exercise to do."""
    fresh = as_learner(course, "lab01-fresh")  # another learner: no stacks yet
    hints = lab01.check(fresh).hints()
    assert hints == [
        f"there is no stack 'kmscourse-lab01-fresh-key' in {course.region}; deploy your template first (Exercise 2).",
        f"there is no stack {fresh.name(lab01.TEAMMATE)}; run the first cell of Exercise 3, which deploys the teammate's template.",
    ]
    teammate(fresh)
    assert lab01.check(fresh).hints()[1:] == [
        f"{name} is not defined yet: do Exercise 3 first (its cell defines {name})." for name in ("failed_resource", "failure_reason", "bad_principal")
    ]

