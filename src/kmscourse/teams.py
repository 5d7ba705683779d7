"""Lesson and lab 12's team layout: two teams with a key each, tagged by team, and a reporting service that works through S3.

    red, blue      IAM users tagged team=red / team=blue, each to use only its own team's key
    reporting      an IAM user with S3 permissions only, to use the shared key through S3 and never directly
    partner        a second account's administrator role, to encrypt with the shared key and nothing else
    keys           alias/kmscourse-<learner>-team-red, -team-blue, -team-shared, tagged team=<name>
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from . import buckets, cast, demo_keys
from . import partner as partners
from .course import Course

TEAMS = ("red", "blue")
KEYS = (*TEAMS, "shared")
TEAM_TAG = "team"
"""The tag key on keys and users that attribute-based access compares."""

TEAM_POLICY = "team-kms"
"""The inline IAM policy, on both team users, that Exercise 1 writes."""

SERVICE = "reporting"
PARTNER = "partner"
"""The partner account's administrator role (lesson 12's second account), in the principals when there is one."""


@dataclass
class Layout:
    """What the setup made: key ARNs by name, the principals by name, and the reporting service's bucket."""

    keys: dict[str, str]
    principals: dict[str, Any] = field(repr=False)
    bucket: str

    def allowed(self) -> set[tuple[str, str, str]]:
        """The intended access: each team uses its own key in KMS; the reporting service uses the shared key through S3."""
        own = {(team, team, action) for team in TEAMS for action in ("Encrypt", "Decrypt", "DescribeKey")}
        partner = {(PARTNER, "shared", "Encrypt")} if PARTNER in self.principals else set()
        return own | {(SERVICE, "shared", "via S3")} | partner


def default_policy(course: Course) -> dict[str, Any]:
    """The key policy each key starts from: the account-root statement of KMS's default key policy."""
    return {"Version": "2012-10-17", "Id": "key-default-1", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "kms:*", "Resource": "*"}]}


def key(course: Course, name: str) -> demo_keys.DemoKey:
    """The team key `name`, tagged team=<name> (created once, found again by its alias)."""
    found = demo_keys.ensure_key(course, f"team-{name}", f"lesson 12 {name} key")
    course.client("kms").tag_resource(KeyId=found.key_id, Tags=[{"TagKey": TEAM_TAG, "TagValue": name}])
    return found


def _service_policy(bucket: str) -> str:
    """The reporting service's own IAM policy: objects in its bucket, and nothing in KMS."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": f"arn:aws:s3:::{bucket}/*"}]})


def principal(course: Course, name: str) -> cast.Member:
    """A team user tagged team=<name>, or the reporting service (S3 permissions only)."""
    if name == SERVICE:
        return cast.member(course, SERVICE, inline={"reporting-s3": _service_policy(buckets.bucket_name(course, "lab12"))})
    found = cast.member(course, name)
    course.client("iam").tag_user(UserName=found.user_name, Tags=[{"Key": TEAM_TAG, "Value": name}])
    return found


def stage(course: Course) -> Layout:
    """The layout as the lab starts it: keys with the default policy, team users without KMS permissions."""
    kms, iam = course.client("kms"), course.client("iam")
    keys = {name: key(course, name) for name in KEYS}
    for found in keys.values():
        kms.put_key_policy(KeyId=found.key_id, PolicyName="default", Policy=json.dumps(default_policy(course)))
    bucket = buckets.ensure_bucket(course, "lab12")
    principals = _principals(course)
    for team in TEAMS:
        try:
            iam.delete_user_policy(UserName=principals[team].user_name, PolicyName=TEAM_POLICY)
        except ClientError:
            pass  # not there yet
    return Layout({name: found.key_arn for name, found in keys.items()}, principals, bucket)


def found(course: Course) -> Layout | None:
    """The layout, found again without changing anything (None before the setup has run)."""
    kms = course.client("kms")
    arns = {}
    for name in KEYS:
        try:
            arns[name] = kms.describe_key(KeyId=demo_keys.alias_for(course, f"team-{name}"))["KeyMetadata"]["Arn"]
        except ClientError:
            return None
    return Layout(arns, _principals(course), buckets.bucket_name(course, "lab12"))


def _principals(course: Course) -> dict[str, Any]:
    """The team users, the reporting service, and the partner account's role when there is a second account."""
    found: dict[str, Any] = {name: principal(course, name) for name in (*TEAMS, SERVICE)}
    other = partners.partner(course)
    if other is not None:
        found[PARTNER] = other
    return found


def apply_team_policy(course: Course, policy: dict[str, Any]) -> None:
    """Put `policy` on both team users as their inline policy `team-kms`."""
    iam = course.client("iam")
    for team in TEAMS:
        iam.put_user_policy(UserName=course.name(team), PolicyName=TEAM_POLICY, PolicyDocument=json.dumps(policy))


def apply_shared_statement(course: Course, *statements: dict[str, Any]) -> dict[str, Any]:
    """Put the default policy plus `statements` on the shared key; return the policy put."""
    policy = default_policy(course)
    policy["Statement"] += list(statements)
    arn = key(course, "shared").key_id
    course.client("kms").put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy))
    return policy
