"""The lesson's cast: other IAM users who try to use your keys (a colleague with admin rights, an outsider).

    colleague = kmscourse.cast.colleague(course)
    colleague.client("kms").decrypt(...)          # boto3, as the colleague
    !aws --profile {colleague.profile} kms ...    # the CLI, as the colleague
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from . import settings
from .course import _CLIENT_CONFIG, Course
from .errors import CourseError
from .sessions import new_session

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"

_members: dict[tuple[int, str], Member] = {}


@dataclass
class Member:
    """One cast member: an IAM user of the course with its own access key."""

    role: str
    user_name: str
    arn: str
    session: boto3.Session
    profile: str | None
    """The AWS CLI profile with this member's key, in the course's own CLI files (None if the course has none)."""
    course: Course = field(repr=False)
    access_key_id: str = field(default="", repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client for `service` that acts as this member and reaches the course backend."""
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.course.region, endpoint_url=self.course.endpoint_url, config=_CLIENT_CONFIG
            )
        return self._clients[service]


def colleague(course: Course) -> Member:
    """`kmscourse-<learner>-colleague`: an IAM user with AdministratorAccess, as in the lab's "send it to a colleague"."""
    return member(course, "colleague", policy_arns=(ADMIN,))


def outsider(course: Course) -> Member:
    """`kmscourse-<learner>-outsider`: an IAM user in your account with no permissions at all."""
    return member(course, "outsider")


def member(course: Course, role: str, policy_arns: tuple[str, ...] = (), inline: dict[str, str] | None = None) -> Member:
    """The IAM user `kmscourse-<learner>-<role>` with these managed and inline policies, created if needed (idempotent)."""
    cached = _members.get((id(course), role))
    if cached is not None and cached.course is course and _still_usable(cached):  # ids are reused once a course is collected
        return cached
    iam = course.client("iam")
    name = course.name(role)
    boundary = settings.CAST_BOUNDARY.get()  # a cohort learner may create the cast only within their own policy
    try:
        arn = iam.create_user(UserName=name, Tags=course.tags(), **({"PermissionsBoundary": boundary} if boundary else {}))["User"]["Arn"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "EntityAlreadyExists":
            raise CourseError(f"Could not create the IAM user {name} ({exc.response['Error']['Message']}).") from None
        arn = iam.get_user(UserName=name)["User"]["Arn"]
    for policy_arn in policy_arns:
        _attach(iam, name, policy_arn, course.backend)
    for policy_name, document in (inline or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
    for old in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=old["AccessKeyId"])  # only the course ever holds them
    key = iam.create_access_key(UserName=name)["AccessKey"]
    session = new_session(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=course.region
    )
    profile = None
    if course.aws_files is not None:
        profile = role
        course.aws_files.add_profile(profile, key["AccessKeyId"], key["SecretAccessKey"])
    found = Member(role, name, arn, session, profile, course, key["AccessKeyId"])
    if course.backend == "aws":
        _wait_until_usable(found)
    _members[(id(course), role)] = found
    return found


def _still_usable(found: Member) -> bool:
    """True while the member's user and access key exist: a lesson's clean-up may have deleted them since."""
    try:
        keys = found.course.client("iam").list_access_keys(UserName=found.user_name)["AccessKeyMetadata"]
    except ClientError:
        return False
    return any(k["AccessKeyId"] == found.access_key_id for k in keys)


def _attach(iam: Any, name: str, policy_arn: str, backend: str) -> None:
    try:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    except ClientError as exc:
        where = "your sandbox account" if backend == "aws" else "the emulator"
        raise CourseError(
            f"{where.capitalize()} refused to attach {policy_arn.rsplit('/', 1)[-1]} to {name} "
            f"({exc.response['Error']['Code']}); ask your instructor for a sandbox role that may attach it, "
            "or run this lesson on the emulator."
        ) from None


def _wait_until_usable(found: Member, seconds: float = 30) -> None:
    """A new access key takes a few seconds to work on AWS; wait until STS accepts it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            found.client("sts").get_caller_identity()
            return
        except ClientError:
            if time.monotonic() > deadline:
                raise CourseError(f"The new access key of {found.user_name} did not start working within {seconds:.0f} s; run the cell again.") from None
            time.sleep(2)
