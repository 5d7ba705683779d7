"""Lab 02's check: the stack's alias passes, and each common mistake gets its own hint."""
from __future__ import annotations

import pytest
from test_cleanup import as_learner

from kmscourse import prereqs, stacks
from kmscourse.checks import lab02
from kmscourse.checks.elsewhere import client


@pytest.fixture(scope="module", autouse=True)
def remove_test_aliases(course):
    """Delete the aliases these tests made by hand (the stack's own alias stays)."""
    yield
    for region in (course.region, "eu-west-1"):
        kms = client(course, "kms", region)
        for name in ("faraway", "elsewhere", "byhand"):
            try:
                kms.delete_alias(AliasName=f"alias/kmscourse-learner-{name}")
            except kms.exceptions.NotFoundException:
                pass


@pytest.fixture
def key(course):
    return prereqs.ensure_course_key(course)


def new_key(kms, course) -> str:
    return kms.create_key(Description="lab02 test key", Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]


def test_stack_alias_passes(course, key) -> None:
    result = lab02.check(course, key.alias)
    assert result.passed, str(result)


def test_alias_without_prefix(course, key) -> None:
    result = lab02.check(course, "kmscourse-learner-key")
    assert result.hints() == [
        "'kmscourse-learner-key' does not start with 'alias/'; every alias name does, for example 'alias/kmscourse-learner-key'."
    ]


def test_reserved_prefix(course, key) -> None:
    assert "reserves for AWS managed keys" in lab02.check(course, "alias/aws/snazzy").hints()[0]


def test_alias_missing(course, key) -> None:
    result = lab02.check(course, "alias/kmscourse-learner-nowhere")
    assert result.hints() == [
        f"there is no alias 'alias/kmscourse-learner-nowhere' in {course.region}; add the AWS::KMS::Alias resource and update "
        "the stack (Exercises 2 and 3)."
    ]


def test_alias_in_wrong_region(course, key) -> None:
    kms = client(course, "kms", "eu-west-1")
    kms.create_alias(AliasName="alias/kmscourse-learner-faraway", TargetKeyId=new_key(kms, course))
    result = lab02.check(course, "alias/kmscourse-learner-faraway")
    assert result.hints() == [
        f"your alias 'alias/kmscourse-learner-faraway' is in eu-west-1, but the course works in {course.region}; "
        f"update the stack in {course.region} (course.client('cloudformation'))."
    ]


def test_alias_on_another_key_made_by_hand(course, key) -> None:
    kms = course.client("kms")
    other = new_key(kms, course)
    kms.create_alias(AliasName="alias/kmscourse-learner-elsewhere", TargetKeyId=other)
    result = lab02.check(course, "alias/kmscourse-learner-elsewhere")
    assert [i.name for i in result.failures] == ["the alias targets the course key", f"the alias is a resource of stack {key.stack}"]
    assert result.hints()[0] == (
        f"'alias/kmscourse-learner-elsewhere' targets key {other}, but the course key (output KeyId of stack {key.stack}) "
        f"is {key.key_id}; set TargetKeyId: !Ref CourseKey."
    )
    assert "rather than calling create_alias" in result.hints()[1]


def test_alias_on_the_right_key_but_outside_the_stack(course, key) -> None:
    course.client("kms").create_alias(AliasName="alias/kmscourse-learner-byhand", TargetKeyId=key.key_id)
    result = lab02.check(course, "alias/kmscourse-learner-byhand")
    assert [i.name for i in result.failures] == [f"the alias is a resource of stack {key.stack}"]


def test_alias_without_the_course_prefix_does_not_pass(course) -> None:
    """An alias the stack declares but without the learner's prefix does not pass: a workshop learner could not make it."""
    other = as_learner(course, "lab02-prefix")
    prereqs.ensure_course_key(other)
    stacks.deploy(other, prereqs.key_stack_name(other), stacks.template(prereqs.KEY_TEMPLATE),
                  {"LearnerArn": other.principal_arn, "AliasName": "alias/snazzy-lab02", "LearnerTag": other.learner})
    try:
        result = lab02.check(other, "alias/snazzy-lab02")
    finally:
        stacks.delete(other, prereqs.key_stack_name(other))
    assert [i.name for i in result.failures] == ["the alias name starts with alias/kmscourse-lab02-prefix-"]
    assert result.hints() == [
        "'alias/snazzy-lab02' does not start with alias/kmscourse-lab02-prefix-, your course prefix: on a shared account "
        "another learner's alias could clash with it, and a workshop account's learner policy lets you create only "
        "aliases named alias/kmscourse-lab02-prefix-... Name it alias/kmscourse-lab02-prefix-snazzy-lab02."
    ]


def test_nothing_set_yet_names_the_exercise(course, key) -> None:
    assert lab02.check(course).hints() == ["alias_name is not defined yet: do Exercise 1 first (its cell defines alias_name)."]
