"""Checks on a key policy before KMS accepts it: real principals, and the policy lockout safety check.

https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
"""
from __future__ import annotations

import json
from typing import Any

from kmsemu.iam import policy
from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller, exists

INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."
LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
MALFORMED = "The request was rejected because the specified policy is not syntactically or semantically correct."


def _not_a_document(document: Any) -> bool:
    """The policy is not a JSON object, or one of its statements (a null, a string) is not an object."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return True
    if not isinstance(document, dict):
        return True
    raw = document.get("Statement", [])
    return any(not isinstance(s, dict) for s in (raw if isinstance(raw, list) else [raw]))


def problem(caller: Caller, document: Any, key_arn: str, context: dict[str, Any], bypass: bool) -> str | None:
    """The MalformedPolicyDocumentException message for a new key policy, or None when KMS would accept it."""
    if _not_a_document(document):
        return MALFORMED
    for statement in policy.statements(document):
        if any(not exists(p, caller.account) for p in statement.principals or ()):
            return INVALID_PRINCIPALS
    if bypass:
        return None
    check = Check("kms:PutKeyPolicy", key_arn, None, context)
    return None if decide(caller, check, key_policy=document, use_grants=False).allowed else LOCKOUT
