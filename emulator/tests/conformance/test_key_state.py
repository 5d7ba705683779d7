"""Key states: what Disabled and PendingDeletion keys refuse."""
from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from resources import Resources, error_code


def _prepare(made: Resources, kms: Any, usage: str) -> dict[str, Any]:
    """A key of this usage, and what its operations need (ciphertext, signature, MAC) made while it is enabled."""
    if usage == "ENCRYPT_DECRYPT":
        meta = made.key()
        blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"state")["CiphertextBlob"]
        return {"meta": meta, "blob": blob}
    if usage == "SIGN_VERIFY":
        meta = made.key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")
        sig = kms.sign(KeyId=meta["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        return {"meta": meta, "sig": sig}
    meta = made.key(KeyUsage="GENERATE_VERIFY_MAC", KeySpec="HMAC_256")
    return {"meta": meta}


OPERATIONS: dict[str, tuple[str, Callable[[Any, dict[str, Any]], Any]]] = {
    "Encrypt": ("ENCRYPT_DECRYPT", lambda kms, k: kms.encrypt(KeyId=k["meta"]["KeyId"], Plaintext=b"x")),
    "Decrypt": ("ENCRYPT_DECRYPT", lambda kms, k: kms.decrypt(CiphertextBlob=k["blob"])),
    "ReEncrypt": ("ENCRYPT_DECRYPT", lambda kms, k: kms.re_encrypt(
        CiphertextBlob=k["blob"], DestinationKeyId=k["meta"]["KeyId"])),
    "GenerateDataKey": ("ENCRYPT_DECRYPT", lambda kms, k: kms.generate_data_key(
        KeyId=k["meta"]["KeyId"], KeySpec="AES_256")),
    "GenerateDataKeyWithoutPlaintext": ("ENCRYPT_DECRYPT", lambda kms, k: kms.generate_data_key_without_plaintext(
        KeyId=k["meta"]["KeyId"], NumberOfBytes=32)),
    "Sign": ("SIGN_VERIFY", lambda kms, k: kms.sign(
        KeyId=k["meta"]["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")),
    "Verify": ("SIGN_VERIFY", lambda kms, k: kms.verify(
        KeyId=k["meta"]["KeyId"], Message=b"m", Signature=k["sig"], SigningAlgorithm="ECDSA_SHA_256")),
    "GenerateMac": ("GENERATE_VERIFY_MAC", lambda kms, k: kms.generate_mac(
        KeyId=k["meta"]["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")),
}


def _refused(kms: Any, made: Resources, op: str, into: Callable[[str], None]) -> str:
    usage, call = OPERATIONS[op]
    key = _prepare(made, kms, usage)
    into(key["meta"]["KeyId"])
    return error_code(lambda: call(kms, key))


@pytest.mark.behaviour("Disabled key refuses {op}")
@pytest.mark.parametrize("op", list(OPERATIONS))
def test_disabled_key_refuses(kms: Any, made: Resources, op: str) -> None:
    """A Disabled KMS key cannot be used in cryptographic operations: DisabledException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    assert _refused(kms, made, op, lambda key_id: kms.disable_key(KeyId=key_id)) == "DisabledException"


@pytest.mark.behaviour("PendingDeletion key refuses {op}")
@pytest.mark.parametrize("op", list(OPERATIONS))
def test_pending_deletion_key_refuses(kms: Any, made: Resources, op: str) -> None:
    """A KMS key pending deletion cannot be used in cryptographic operations: KMSInvalidStateException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    code = _refused(kms, made, op, lambda key_id: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7))
    assert code == "KMSInvalidStateException"


@pytest.mark.behaviour("EnableKey on a PendingDeletion key is refused")
def test_enable_pending_deletion_key(kms: Any, made: Resources) -> None:
    """EnableKey on a key pending deletion fails with KMSInvalidStateException; cancel the deletion first.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    key_id = made.key()["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert error_code(kms.enable_key, KeyId=key_id) == "KMSInvalidStateException"


@pytest.mark.behaviour("CancelKeyDeletion leaves the key Disabled")
def test_cancel_deletion_leaves_disabled(kms: Any, made: Resources) -> None:
    """After CancelKeyDeletion the key state is Disabled, and it refuses Encrypt until EnableKey.

    https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-cancelling-key-deletion.html
    """
    key_id = made.key()["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    assert error_code(kms.encrypt, KeyId=key_id, Plaintext=b"x") == "DisabledException"
    kms.enable_key(KeyId=key_id)
    assert base64.b64encode(kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"])


@pytest.mark.behaviour("Disabled key can be re-enabled and used again")
def test_reenable(kms: Any, made: Resources) -> None:
    """EnableKey on a Disabled key makes it Enabled; earlier ciphertext decrypts again.

    https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
    """
    key_id = made.key()["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"again")["CiphertextBlob"]
    kms.disable_key(KeyId=key_id)
    kms.enable_key(KeyId=key_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"again"
