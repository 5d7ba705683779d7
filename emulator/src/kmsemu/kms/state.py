"""Key states: which operations a Disabled, PendingDeletion or PendingImport key refuses, and with which AWS error.

From the key state table: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moto.kms.models import Key

# Cryptographic operations: a Disabled key gives DisabledException, a PendingDeletion key KMSInvalidStateException.
CRYPTOGRAPHIC = frozenset({
    "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GenerateMac", "VerifyMac",
    "DeriveSharedSecret", "GetPublicKey", "Encapsulate", "Decapsulate",
})

# Operations a key whose imported key material is missing (PendingImport) refuses, besides the cryptographic ones.
REFUSED_WHEN_PENDING_IMPORT = frozenset({"EnableKey", "DisableKey", "RotateKeyOnDemand"})

# Management operations a PendingDeletion key refuses with KMSInvalidStateException (a Disabled key allows them).
REFUSED_WHEN_PENDING = frozenset({
    "EnableKey", "DisableKey", "ScheduleKeyDeletion", "EnableKeyRotation", "DisableKeyRotation",
    "RotateKeyOnDemand", "CreateGrant", "GetParametersForImport", "ImportKeyMaterial",
})


def refusal(key: Key, operation: str) -> tuple[str, str] | None:
    """The (error code, message) AWS returns when this key's state forbids the operation, else None."""
    state = key.key_state
    if operation == "CancelKeyDeletion" and state not in ("PendingDeletion", "PendingReplicaDeletion"):
        return "KMSInvalidStateException", f"{key.arn} is not pending deletion."
    if state == "Disabled" and operation in CRYPTOGRAPHIC:
        return "DisabledException", f"{key.arn} is disabled."
    if state == "PendingDeletion" and (operation in CRYPTOGRAPHIC or operation in REFUSED_WHEN_PENDING):
        return "KMSInvalidStateException", f"{key.arn} is pending deletion."
    if state == "PendingReplicaDeletion" and (operation in CRYPTOGRAPHIC or operation in REFUSED_WHEN_PENDING):
        return "KMSInvalidStateException", f"{key.arn} is pending replica deletion."
    if state == "PendingImport" and (operation in CRYPTOGRAPHIC or operation in REFUSED_WHEN_PENDING_IMPORT):
        return "KMSInvalidStateException", f"{key.arn} is pending import."
    return None


# What each key usage allows; AWS refuses the rest with InvalidKeyUsageException.
_USAGE = {
    "Encrypt": "ENCRYPT_DECRYPT", "Decrypt": "ENCRYPT_DECRYPT", "ReEncrypt": "ENCRYPT_DECRYPT",
    "GenerateDataKey": "ENCRYPT_DECRYPT", "GenerateDataKeyWithoutPlaintext": "ENCRYPT_DECRYPT",
    "Sign": "SIGN_VERIFY", "Verify": "SIGN_VERIFY", "GenerateMac": "GENERATE_VERIFY_MAC", "VerifyMac": "GENERATE_VERIFY_MAC",
    "GenerateDataKeyPair": "ENCRYPT_DECRYPT", "GenerateDataKeyPairWithoutPlaintext": "ENCRYPT_DECRYPT",
    "DeriveSharedSecret": "KEY_AGREEMENT", "Encapsulate": "ENCAPSULATE_DECAPSULATE",
    "Decapsulate": "ENCAPSULATE_DECAPSULATE",
}

# Operations only a symmetric encryption key performs (an RSA ENCRYPT_DECRYPT key refuses them).
_SYMMETRIC_ONLY = frozenset({
    "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
})


def usage_refusal(key: Key, operation: str) -> tuple[str, str] | None:
    """InvalidKeyUsageException when the key's KeyUsage does not allow the operation, else None."""
    wanted = _USAGE.get(operation)
    usage = key.key_usage or "ENCRYPT_DECRYPT"  # moto leaves it None when CreateKey did not say
    if wanted is None:
        return None
    if usage == wanted:
        if operation in _SYMMETRIC_ONLY and key.key_spec != "SYMMETRIC_DEFAULT":
            return "InvalidKeyUsageException", f"{key.arn} key spec is {key.key_spec} which is not valid for {operation}."
        return None
    return "InvalidKeyUsageException", f"{key.arn} key usage is {usage} which is not valid for {operation}."
