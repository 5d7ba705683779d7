"""Lesson keys besides the course key (rotation, deletion and lab keys), found by alias or created once.

Each key is tagged for the learner and reached through `alias/kmscourse-<learner>-<suffix>`, so a lesson can
run twice in a row without piling up keys, and `kmscourse cleanup` finds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .course import Course


@dataclass(frozen=True)
class DemoKey:
    """A lesson key: its id, ARN and alias."""

    key_id: str
    key_arn: str
    alias: str


def alias_for(course: Course, suffix: str) -> str:
    """The alias of a lesson key: `alias/kmscourse-<learner>-<suffix>`."""
    return f"alias/{course.name(suffix)}"


def _target(course: Course, alias: str) -> str | None:
    """The key id an alias points at, or None when the alias does not exist."""
    kms = course.client("kms")
    for page in kms.get_paginator("list_aliases").paginate():
        for entry in page["Aliases"]:
            if entry["AliasName"] == alias:
                return entry.get("TargetKeyId")
    return None


def described(course: Course, alias: str) -> dict[str, Any] | None:
    """DescribeKey's KeyMetadata for the key behind `alias`, or None when KMS cannot describe it (no such alias)."""
    try:
        return dict(course.client("kms").describe_key(KeyId=alias)["KeyMetadata"])
    except ClientError:
        return None


def point_alias(course: Course, alias: str, key_id: str) -> None:
    """Make `alias` point at `key_id`, creating the alias or retargeting it."""
    kms = course.client("kms")
    if _target(course, alias) is None:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    else:
        kms.update_alias(AliasName=alias, TargetKeyId=key_id)


def ensure_key(
    course: Course, suffix: str, description: str, key_spec: str = "SYMMETRIC_DEFAULT", key_usage: str = "ENCRYPT_DECRYPT"
) -> DemoKey:
    """The enabled key behind `alias/kmscourse-<learner>-<suffix>`; created (tagged) when missing, revived when disabled or pending deletion."""
    kms = course.client("kms")
    alias = alias_for(course, suffix)
    key_id = _target(course, alias)
    if key_id is not None:
        try:
            state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
        except ClientError:
            state = "Missing"
        if state == "PendingDeletion":
            kms.cancel_key_deletion(KeyId=key_id)
            state = "Disabled"
        if state == "Disabled":
            kms.enable_key(KeyId=key_id)
            state = "Enabled"
        if state != "Enabled":
            kms.delete_alias(AliasName=alias)
            key_id = None
    if key_id is None:
        key_id = kms.create_key(
            Description=f"kmscourse {description}", KeySpec=key_spec, KeyUsage=key_usage,
            Tags=course.tags("TagKey", "TagValue"),
        )["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    return DemoKey(key_id, arn, alias)


def stranger_key(course: Course) -> str | None:
    """Lesson 10's key that is not the course's (CreateKey with no tag, no alias), printed; or None, said in one line,
    when this identity may create only keys tagged for it, as a workshop cohort's learner (templates/cohort-learner.yaml)."""
    try:
        key = course.client("kms").create_key(Description="not the course's: no tag, no kmscourse- alias")["KeyMetadata"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AccessDeniedException":
            raise
        print("No key that is not the course's here: your identity may create only keys tagged for you (a workshop "
              "cohort's permissions), so the teardown below has no stranger to leave alone.")
        return None
    print("a key the course does not own:", key["KeyId"])
    return str(key["KeyId"])
