"""Grants: which operations a grant gives its grantee, under which encryption-context constraints.

https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kmsemu.iam.principals import Caller

OPERATIONS = (
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
    "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret", "Encapsulate", "Decapsulate",
)
"""The grant operations AWS accepts (GrantOperation in the KMS API reference)."""

WITH_CONTEXT = {
    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
}
"""Operations that take an encryption context, the only ones grant constraints apply to."""


def _folded(context: dict[str, str]) -> dict[str, str]:
    """Constraint keys compare case-insensitively, values case-sensitively (GrantConstraints in the API reference)."""
    return {k.lower(): v for k, v in context.items()}


def constraints_met(constraints: dict[str, Any] | None, operation: str, encryption_context: dict[str, str] | None) -> bool:
    """EncryptionContextEquals needs exactly these pairs; EncryptionContextSubset needs at least them."""
    if not constraints or operation not in WITH_CONTEXT:
        return True
    request = _folded(encryption_context or {})
    equals = constraints.get("EncryptionContextEquals")
    if equals is not None and _folded(equals) != request:
        return False
    subset = constraints.get("EncryptionContextSubset")
    if subset is not None and any(request.get(k) != v for k, v in _folded(subset).items()):
        return False
    return True


def _names(caller: Caller, principal: str | None) -> bool:
    """A grant's principal covers the caller by user or role ARN (a role's grant covers its sessions)."""
    return bool(principal) and principal in (caller.arn, caller.principal_arn)


def allows(key: Any, caller: Caller, operation: str, encryption_context: dict[str, str] | None) -> bool:
    """True when a grant on the key gives the caller this operation with this encryption context."""
    return any(
        _names(caller, g.grantee_principal) and operation in g.operations
        and constraints_met(g.constraints, operation, encryption_context)
        for g in list(key.grants.values())
    )


def may_retire(grant: Any, caller: Caller) -> bool:
    """The retiring principal, or a grantee whose grant lists RetireGrant, may retire a grant without a policy."""
    return _names(caller, grant.retiring_principal) or (
        _names(caller, grant.grantee_principal) and "RetireGrant" in grant.operations
    )


def by_token(keys: Iterable[Any], token: str) -> tuple[Any, Any] | None:
    """The (key, grant) a grant token belongs to."""
    for key in keys:
        for grant in list(key.grants.values()):
            if grant.token == token:
                return key, grant
    return None


def invalid_operations(operations: list[str]) -> list[str]:
    """The requested grant operations AWS would reject."""
    return [op for op in operations if op not in OPERATIONS]
