"""Helpers for the test_access_* conformance tests: key policies, other IAM users, denial messages, retries.

On a real account, new IAM users, policies and grants take a few seconds to apply everywhere, so
`eventually` retries there; on the emulator it runs the assertion once.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from backend import Backend, Member
from botocore.exceptions import ClientError


def me(course: Any) -> str:
    """The learner's principal ARN for a key policy (the role, when the sandbox identity is a role session)."""
    return getattr(course, "principal_arn", course.identity_arn)


def statement(principal: str, actions: str | list[str], effect: str = "Allow", condition: dict | None = None) -> dict:
    """One key-policy statement for one AWS principal, on the key itself (`*`)."""
    found = {"Effect": effect, "Principal": {"AWS": principal}, "Action": actions, "Resource": "*"}
    if condition:
        found["Condition"] = condition
    return found


def key_policy(*statements: dict) -> str:
    """A key policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def admin(course: Any) -> dict:
    """The statement that keeps the learner in charge of a test key (and passes the lockout check)."""
    return statement(me(course), "kms:*")


def root(course: Any) -> dict:
    """The default policy's statement for the account, which lets IAM policies grant access."""
    return statement(f"arn:aws:iam::{course.account_id}:root", "kms:*")


DESCRIBE_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"}]}


def describe_only_boundary(course: Any, made: Any, name: str = "boundary") -> str:
    """A customer managed policy allowing only kms:DescribeKey (a permissions boundary), deleted after the test."""
    iam = course.client("iam")
    arn = iam.create_policy(PolicyName=made.unique(name), PolicyDocument=json.dumps(DESCRIBE_ONLY),
                            Tags=course.tags())["Policy"]["Arn"]
    made.cleanups.append(lambda: iam.delete_policy(PolicyArn=arn))
    return str(arn)


def refused(call: Callable[[], Any], code: str) -> str:
    """Run a call that must fail with this error code; return the error message."""
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == code, info.value.response["Error"]
    return str(info.value.response["Error"].get("Message", ""))


def eventually(course: Any, check: Callable[[], Any], seconds: float = 90) -> Any:
    """Run `check` until it passes: once on the emulator, retrying on AWS while IAM and grants propagate."""
    if course.backend != "aws":
        return check()
    deadline = time.monotonic() + seconds
    while True:
        try:
            return check()
        except (AssertionError, ClientError):
            if time.monotonic() > deadline:
                raise
            time.sleep(3)


def denial(principal: str, action: str, key_arn: str, why: str) -> str:
    """AccessDeniedException's message as AWS words it."""
    return f"User: {principal} is not authorized to perform: {action} on resource: {key_arn} {why}"


def ciphertext_denial(principal: str, action: str, why: str) -> str:
    """AccessDeniedException's message for a Decrypt that named no key: the key ARN is not revealed.

    https://docs.aws.amazon.com/singlesignon/latest/userguide/cmk-related-errors.html"""
    return f"User: {principal} is not authorized to perform: {action} on the resource associated with this ciphertext {why}"


@pytest.fixture
def colleague(course: Backend) -> Member:
    """An IAM user of the account with AdministratorAccess."""
    return course.colleague()


@pytest.fixture
def outsider(course: Backend) -> Member:
    """An IAM user of the account with no permissions."""
    return course.outsider()
