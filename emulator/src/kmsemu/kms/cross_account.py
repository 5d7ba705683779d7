"""Keys of other accounts: which operations may name them, and how a key ARN, alias ARN or ciphertext finds them.

A caller names another account's key by key ARN or alias ARN (an alias name or key id is looked up in the
caller's own account), and only in the operations AWS allows across accounts; the ciphertext of a symmetric key
names its key wherever it lives. moto then runs the call in the key's account.
https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
"""
from __future__ import annotations

import re
from typing import Any

CROSS_ACCOUNT = frozenset({
    "CreateGrant", "Decrypt", "DescribeKey", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "GetKeyRotationStatus",
    "GetPublicKey", "ListGrants", "ReEncrypt", "RetireGrant", "RevokeGrant", "Sign", "Verify", "VerifyMac",
    "DeriveSharedSecret",
})
"""The operations whose key may be in another account (each API's "Cross-account use: Yes")."""

_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key/.+|alias/.+)$")


def owner_backend(key: Any) -> Any:
    """moto's KMS backend holding the key."""
    from moto.kms.models import kms_backends

    return kms_backends[key.account_id][key.region]


def named_elsewhere(backend: Any, identifier: Any) -> Any:
    """The key a key ARN or alias ARN names in another account of this backend's region, or None."""
    match = _ARN.match(identifier) if isinstance(identifier, str) else None
    if match is None or match.group(1) != backend.region_name or match.group(2) == backend.account_id:
        return None
    from moto.kms.models import kms_backends

    from kmsemu.kms.identifiers import resolve

    if match.group(2) not in kms_backends:
        return None
    return resolve(kms_backends[match.group(2)][backend.region_name], identifier)


def by_key_id(region: str, key_id: str, first: str) -> Any:
    """The key with this id in the region, looked for in account `first` and then in every other (a ciphertext's key)."""
    from kmsemu.kms.deletion import all_kms_backends
    from kmsemu.kms.operations import kms_backend

    found = kms_backend(first, region).keys.get(key_id)
    if found is not None:
        return found
    return next((b.keys[key_id] for b in all_kms_backends() if b.region_name == region and key_id in b.keys), None)
