"""Bucket policy statements with conditions: the request's S3 condition keys, and which statements kmsemu can judge.

moto treats any Deny it finds as unconditional and for everyone; the hook below hides conditional statements, and
those naming principals, from moto, and kmsemu.s3.authorize decides them with the shared policy engine for every S3
call. S3 puts `s3:x-amz-server-side-encryption` and `s3:x-amz-server-side-encryption-aws-kms-key-id` in the request
context only when the request sends those headers: a GetObject, a DeleteObject or an UploadPart has neither, so a
negated operator on them is true there (and a header-less PutObject is judged before default encryption applies).
A statement that tests a key kmsemu cannot supply as AWS would (aws:SecureTransport, aws:SourceIp, s3:prefix, ...)
is not applied; the fidelity table says so.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
"""
from __future__ import annotations

import json
from typing import Any

from kmsemu.http import Request
from kmsemu.iam.policy import Statement
from kmsemu.patches import replace

SSE_KEY = "s3:x-amz-server-side-encryption"
SSE_KMS_KEY_ID_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id"
_HEADERS = {SSE_KEY: "x-amz-server-side-encryption", SSE_KMS_KEY_ID_KEY: "x-amz-server-side-encryption-aws-kms-key-id"}

_CALLER_KEYS = frozenset({
    "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalorgid", "aws:username", "aws:userid",
    "aws:requestedregion", "aws:currenttime", "aws:epochtime", "aws:viaawsservice",
})
"""Global keys kmsemu.kms.operations.caller_context gives as AWS does (aws:SecureTransport it cannot: the wire is plain HTTP)."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def request_keys(request: Request) -> dict[str, str]:
    """The SSE condition keys of this request: present only for the headers it sends."""
    return {key: value for key, header in _HEADERS.items() if (value := request.header(header)) is not None}


def judged(statement: Statement) -> bool:
    """True when kmsemu can evaluate every condition key the statement tests as S3 would."""
    for tests in (statement.condition or {}).values():
        if not isinstance(tests, dict):
            return False
        for key in tests:
            name = key.lower()
            if name not in _HEADERS and name not in _CALLER_KEYS and not name.startswith("aws:principaltag/"):
                return False
    return True


def _for_everyone(statement: Any) -> bool:
    """A statement without a Condition whose Principal is everyone: moto, which ignores principals, can apply it."""
    if not isinstance(statement, dict) or "Condition" in statement or "NotPrincipal" in statement:
        return False
    principal = statement.get("Principal", "*")
    return principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))


def _unconditional_permission(self: Any, action: str, resource: str) -> Any:
    """moto's FakeBucket.get_permission, seeing only the statements for everyone without a Condition."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    try:
        policy = json.loads(self.policy)
    except ValueError:
        return PermissionResult.NEUTRAL
    # kmsemu.s3.authorize decides the statements naming principals (Principal, NotPrincipal) for the caller.
    statements = [s for s in _as_list(policy.get("Statement", [])) if _for_everyone(s)]
    if not statements:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": statements})).is_action_permitted(action, resource)


def install() -> None:
    """Stop moto from applying conditional bucket policy statements as if they had no condition."""
    from moto.s3.models import FakeBucket

    replace(FakeBucket, "get_permission", lambda original: _unconditional_permission)
