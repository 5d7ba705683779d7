"""Checks on a key policy before KMS accepts it: real principals, and the policy lockout safety check.

https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
"""
from __future__ import annotations

from typing import Any

from kmsemu.iam import policy
from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller, exists

INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def problem(caller: Caller, document: Any, key_arn: str, context: dict[str, Any], bypass: bool) -> str | None:
    """The MalformedPolicyDocumentException message for a new key policy, or None when KMS would accept it."""
    for statement in policy.statements(document):
        if any(not exists(p, caller.account) for p in statement.principals or ()):
            return INVALID_PRINCIPALS
    if bypass:
        return None
    check = Check("kms:PutKeyPolicy", key_arn, None, context)
    return None if decide(caller, check, key_policy=document, use_grants=False).allowed else LOCKOUT
