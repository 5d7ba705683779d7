"""aliases: each rule gives its own sentence, and the names it accepts are the names KMS accepts."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from kmscourse import aliases
from kmscourse.errors import CourseError


@pytest.mark.parametrize("name", ["alias/kmscourse-learner-key", "alias/team/app_1", "alias/A-b_c/d"])
def test_good_names_pass(name: str) -> None:
    assert aliases.problems(name) == []
    assert aliases.validate(name) == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("course-key", "'course-key' does not start with 'alias/'; every alias name does, for example 'alias/course-key'."),
        ("Alias/x", "'Alias/x' does not start with 'alias/'; every alias name does, for example 'alias/x'."),
        ("alias/aws/mine", "'alias/aws/mine' starts with 'alias/aws/', which AWS reserves for AWS managed keys; choose another name."),
        ("alias/", "'alias/' alone is not a name; add a name after the prefix, such as 'alias/my-key'."),
        ("alias/my key!", "'alias/my key!' contains ' ' '!'; after 'alias/' use only letters, digits, '/', '_' and '-'."),
        (42, "the alias name is 42, of type int; give it as a string such as 'alias/my-key'."),
    ],
)
def test_each_mistake_has_its_sentence(name, message) -> None:
    assert aliases.problems(name) == [message]
    with pytest.raises(CourseError, match="Alias name refused"):
        aliases.validate(name)


def test_too_long() -> None:
    assert "has 262 characters; an alias name has at most 256" in aliases.problems("alias/" + "a" * 256)[0]


@pytest.mark.parametrize("name", ["course-key", "alias/aws/mine", "alias/my key!"])
def test_kms_refuses_what_validate_refuses(course, name) -> None:
    """The rules are KMS's own: the backend refuses the same names."""
    kms = course.client("kms")
    key_id = kms.create_key(Description="alias rule test", Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError):
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
