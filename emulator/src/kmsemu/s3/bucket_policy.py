"""Bucket policy Deny statements whose conditions test the SSE headers, evaluated as IAM evaluates them.

moto treats any Deny it finds as unconditional and for everyone; the hook below hides conditional statements, and
those naming principals (kmsemu.s3.authorize decides them for the caller), from moto, and
`denies()` evaluates them with the request's condition keys. Only the two SSE condition keys are known here:
a statement testing any other key is not evaluated (the fidelity table says so).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""
from __future__ import annotations

import fnmatch
import json
from typing import Any

from kmsemu.patches import replace

SSE_KEY = "s3:x-amz-server-side-encryption"
SSE_KMS_KEY_ID_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id"
KNOWN_KEYS = frozenset({SSE_KEY, SSE_KMS_KEY_ID_KEY})

_SUPPORTED = frozenset({
    "Null", "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike",
})
_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: Any, value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, str(p)) for p in _as_list(patterns))


def _principal_matches(principal: Any, caller: dict[str, str]) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for entry in _as_list(principal.get("AWS", [])):
        entry = str(entry)
        if entry == "*" or entry in (caller.get("arn"), caller.get("account"), f"arn:aws:iam::{caller.get('account')}:root"):
            return True
    return False


def _operator_holds(operator: str, values: Any, actual: str | None) -> bool:
    """One condition operator against one key's value (None when the request lacks the key)."""
    base = operator.split(":", 1)[-1]
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    if base == "Null":
        absent = str(_as_list(values)[0]).lower() == "true"
        return (actual is None) == absent
    if actual is None:
        if if_exists or operator.startswith("ForAllValues:"):
            return True
        return base in _NEGATED
    wanted = [str(v) for v in _as_list(values)]
    if base in ("StringEquals", "ArnEquals"):
        return actual in wanted
    if base in ("StringNotEquals", "ArnNotEquals"):
        return actual not in wanted
    if base == "StringEqualsIgnoreCase":
        return actual.lower() in [w.lower() for w in wanted]
    if base == "StringNotEqualsIgnoreCase":
        return actual.lower() not in [w.lower() for w in wanted]
    if base in ("StringLike", "ArnLike"):
        return _matches(wanted, actual)
    if base in ("StringNotLike", "ArnNotLike"):
        return not _matches(wanted, actual)
    raise KeyError(operator)


def _conditions_hold(condition: dict[str, Any], context: dict[str, str]) -> bool:
    for operator, tests in condition.items():
        for key, values in tests.items():
            if not _operator_holds(operator, values, context.get(key.lower())):
                return False
    return True


def evaluable(statement: dict[str, Any]) -> bool:
    """True when every condition key of the statement is one this module knows and its operators are supported."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return False
    for operator, tests in condition.items():
        if operator.split(":", 1)[-1].removesuffix("IfExists") not in _SUPPORTED or not isinstance(tests, dict):
            return False
        if any(key.lower() not in KNOWN_KEYS for key in tests):
            return False
    return True


def denies(policy_text: str | bytes | None, action: str, resource: str, context: dict[str, str], caller: dict[str, str]) -> bool:
    """True when a conditional Deny statement of the bucket policy applies to this request."""
    if not policy_text:
        return False
    try:
        policy = json.loads(policy_text)
    except ValueError:
        return False
    context = {k.lower(): v for k, v in context.items()}
    for statement in _as_list(policy.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny" or not evaluable(statement):
            continue
        if "Action" in statement and not _matches(statement["Action"], action):
            continue
        if "NotAction" in statement and _matches(statement["NotAction"], action):
            continue
        if "Resource" in statement and not _matches(statement["Resource"], resource):
            continue
        if "Principal" in statement and not _principal_matches(statement["Principal"], caller):
            continue
        if _conditions_hold(statement["Condition"], context):
            return True
    return False


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
