"""Lab 11's incident: a team bucket of SSE-KMS files, three teammates, and one read of payroll that should not have been.

HR (`ana`) may read `payroll/`; everyone reads `reports/`. Their IAM policy is too broad (any object, kms:Decrypt on
any key), so one teammate who is not HR reads a payroll file, and CloudTrail records it. Which one depends on the
learner's name, so the lab can only be answered from the trail.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from . import buckets, cast, demo_keys
from .course import Course

HR = "ana"
"""The teammate whose job is payroll."""

TEAM = (HR, "ben", "chris")
"""The teammates' cast roles (IAM users `kmscourse-<learner>-<role>`)."""

PAYROLL = "payroll/2026-11.csv"
"""The file the incident is about."""

REPORTS = ("reports/q3-summary.csv", "reports/q3-costs.csv")


@dataclass(frozen=True)
class Incident:
    """What the lab's setup made: the team's key and bucket, and the file that was read."""

    key_id: str
    key_arn: str
    bucket: str
    payroll: str

    @property
    def payroll_arn(self) -> str:
        """The payroll object's ARN, which S3 puts in the encryption context (`aws:s3:arn`)."""
        return f"arn:aws:s3:::{self.bucket}/{self.payroll}"


def culprit(course: Course) -> str:
    """The teammate (not HR) who reads payroll in this learner's incident."""
    return TEAM[1 + hashlib.sha256(course.learner.encode()).digest()[0] % 2]


def team_policy(bucket: str) -> str:
    """The teammates' IAM policy as someone wrote it: read any object of the bucket, decrypt with any key."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
    ]})


def default_policy(course: Course) -> str:
    """The key policy the lab starts from: the account root statement, as KMS's default key policy has it."""
    return json.dumps({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [
        {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "kms:*", "Resource": "*"},
    ]})


def teammate(course: Course, role: str) -> cast.Member:
    """One teammate, with the team's IAM policy on the lab bucket."""
    return cast.member(course, role, inline={"team-read": team_policy(buckets.bucket_name(course, "lab11"))})


def stage(course: Course) -> Incident:
    """Reset the key policy, upload the team's files under the key, and play the week: reads, a refusal, the incident."""
    key = demo_keys.ensure_key(course, "lab11", "lab 11 team files key")
    kms, s3 = course.client("kms"), course.client("s3")
    kms.put_key_policy(KeyId=key.key_id, PolicyName="default", Policy=default_policy(course))
    bucket = buckets.ensure_bucket(course, "lab11")
    for name in (PAYROLL, *REPORTS):
        s3.put_object(Bucket=bucket, Key=name, Body=f"{name}: lab 11 data\n".encode(),
                      ServerSideEncryption="aws:kms", SSEKMSKeyId=key.key_id)
    team = {role: teammate(course, role) for role in TEAM}
    reads = [(HR, PAYROLL), ("ben", REPORTS[0]), ("chris", REPORTS[1]), (culprit(course), PAYROLL), (HR, REPORTS[0])]
    for role, name in reads:
        read(team[role], bucket, name)
    try:  # the outsider has no permissions at all: a refused call, which CloudTrail records too
        cast.outsider(course).client("s3").get_object(Bucket=bucket, Key=PAYROLL)
    except ClientError:
        pass
    return Incident(key.key_id, key.key_arn, bucket, PAYROLL)


def read(member: cast.Member, bucket: str, name: str) -> str:
    """Read one object as `member`: '' when S3 returned it, else the error code."""
    try:
        member.client("s3").get_object(Bucket=bucket, Key=name)["Body"].read()
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return ""


def found(course: Course) -> Incident | None:
    """The staged incident, found again without changing anything (None before the setup cell has run)."""
    try:
        meta = course.client("kms").describe_key(KeyId=demo_keys.alias_for(course, "lab11"))["KeyMetadata"]
    except ClientError:
        return None
    return Incident(meta["KeyId"], meta["Arn"], buckets.bucket_name(course, "lab11"), PAYROLL)


def probe(course: Course) -> dict[tuple[str, str], str]:
    """Who can read what now: {(role, file): '' or the error code} for every teammate and file."""
    incident = found(course)
    assert incident is not None, "stage the incident first"
    team: dict[str, Any] = {role: teammate(course, role) for role in TEAM}
    return {(role, name): read(team[role], incident.bucket, name) for role in TEAM for name in (PAYROLL, *REPORTS)}
