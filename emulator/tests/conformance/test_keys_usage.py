"""Key usage and key states for every key type: the wrong kind of key for an operation, and disabled keys."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from key_types import Keys
from resources import error_code

PEER = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """One key of each kind for this module."""
    found = Keys(course)
    yield found
    found.close()


Call = Callable[[Any, str], Any]

WRONG_USAGE: dict[str, tuple[str, str, Call]] = {
    "Sign with an encryption key": ("RSA_2048", "ENCRYPT_DECRYPT", lambda kms, k: kms.sign(
        KeyId=k, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")),
    "Encrypt with a signing key": ("RSA_2048", "SIGN_VERIFY", lambda kms, k: kms.encrypt(
        KeyId=k, Plaintext=b"m", EncryptionAlgorithm="RSAES_OAEP_SHA_256")),
    "GenerateMac with a signing key": ("ECC_NIST_P256", "SIGN_VERIFY", lambda kms, k: kms.generate_mac(
        KeyId=k, Message=b"m", MacAlgorithm="HMAC_SHA_256")),
    "Sign with an HMAC key": ("HMAC_256", "GENERATE_VERIFY_MAC", lambda kms, k: kms.sign(
        KeyId=k, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")),
    "Encrypt with an HMAC key": ("HMAC_256", "GENERATE_VERIFY_MAC", lambda kms, k: kms.encrypt(KeyId=k, Plaintext=b"m")),
    "GenerateDataKey with an RSA encryption key": ("RSA_2048", "ENCRYPT_DECRYPT", lambda kms, k: kms.generate_data_key(
        KeyId=k, KeySpec="AES_256")),
    "DeriveSharedSecret with a symmetric key": ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", lambda kms, k: kms.derive_shared_secret(
        KeyId=k, KeyAgreementAlgorithm="ECDH", PublicKey=PEER)),
    "Sign with a key agreement key": ("ECC_NIST_P256", "KEY_AGREEMENT", lambda kms, k: kms.sign(
        KeyId=k, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")),
}


@pytest.mark.behaviour("{case} gives InvalidKeyUsageException")
@pytest.mark.parametrize("case", list(WRONG_USAGE))
def test_wrong_key_usage(kms: Any, keys: Keys, case: str) -> None:
    """Each KMS key has one key usage; an operation the usage (or the key spec) does not support fails with
    InvalidKeyUsageException.

    https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-compare.html
    """
    spec, usage, call = WRONG_USAGE[case]
    assert error_code(lambda: call(kms, keys.get(spec, usage)["KeyId"])) == "InvalidKeyUsageException"


@pytest.mark.behaviour("GetPublicKey of a {spec} key gives UnsupportedOperationException")
@pytest.mark.parametrize(("spec", "usage"), [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("HMAC_256", "GENERATE_VERIFY_MAC")])
def test_no_public_key(kms: Any, keys: Keys, spec: str, usage: str) -> None:
    """Only asymmetric KMS keys have a public key; GetPublicKey of a symmetric or HMAC key is refused with
    UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html
    """
    assert error_code(kms.get_public_key, KeyId=keys.get(spec, usage)["KeyId"]) == "UnsupportedOperationException"


@pytest.mark.behaviour("HMAC keys cannot be rotated")
def test_hmac_not_rotatable(kms: Any, keys: Keys) -> None:
    """Automatic and on-demand rotation are for symmetric encryption keys only; an HMAC key gives
    UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
    """
    key_id = keys.get("HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    assert error_code(kms.enable_key_rotation, KeyId=key_id) == "UnsupportedOperationException"
    assert error_code(kms.rotate_key_on_demand, KeyId=key_id) == "UnsupportedOperationException"


@pytest.mark.behaviour("CreateKey refuses KeySpec {spec} with KeyUsage {usage}")
@pytest.mark.parametrize(("spec", "usage"), [("ECC_NIST_P256", "ENCRYPT_DECRYPT"), ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
                                             ("ECC_NIST_EDWARDS25519", "KEY_AGREEMENT"), ("RSA_2048", "KEY_AGREEMENT"),
                                             ("SYMMETRIC_DEFAULT", "SIGN_VERIFY")])
def test_incompatible_spec_and_usage(kms: Any, spec: str, usage: str) -> None:
    """Each key spec supports only some key usages (ECC: signing, or key agreement for the NIST curves; RSA:
    encryption or signing); CreateKey with any other combination fails with ValidationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
    """
    assert error_code(kms.create_key, KeySpec=spec, KeyUsage=usage) == "ValidationException"


def _prepared(kms: Any, keys: Keys) -> dict[str, tuple[str, Call]]:
    """Operations on keys of every type, with what they need (ciphertext, signature, MAC) made while enabled."""
    rsa_enc = keys.get("RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    ecc = keys.get("ECC_NIST_P256", "SIGN_VERIFY")["KeyId"]
    hmac = keys.get("HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    agree = keys.get("ECC_NIST_P256", "KEY_AGREEMENT")["KeyId"]
    sym = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")["KeyId"]
    blob = kms.encrypt(KeyId=rsa_enc, Plaintext=b"m", EncryptionAlgorithm="RSAES_OAEP_SHA_1")["CiphertextBlob"]
    mac = kms.generate_mac(KeyId=hmac, Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
    digest = hashlib.sha256(b"m").digest()
    return {
        "GetPublicKey": (ecc, lambda kms, k: kms.get_public_key(KeyId=k)),
        "VerifyMac": (hmac, lambda kms, k: kms.verify_mac(KeyId=k, Message=b"m", MacAlgorithm="HMAC_SHA_256", Mac=mac)),
        "RSA Encrypt": (rsa_enc, lambda kms, k: kms.encrypt(KeyId=k, Plaintext=b"m", EncryptionAlgorithm="RSAES_OAEP_SHA_1")),
        "RSA Decrypt": (rsa_enc, lambda kms, k: kms.decrypt(KeyId=k, CiphertextBlob=blob, EncryptionAlgorithm="RSAES_OAEP_SHA_1")),
        "Sign of a digest": (ecc, lambda kms, k: kms.sign(KeyId=k, Message=digest, MessageType="DIGEST",
                                                          SigningAlgorithm="ECDSA_SHA_256")),
        "DeriveSharedSecret": (agree, lambda kms, k: kms.derive_shared_secret(KeyId=k, KeyAgreementAlgorithm="ECDH",
                                                                              PublicKey=PEER)),
        "GenerateDataKeyPair": (sym, lambda kms, k: kms.generate_data_key_pair(KeyId=k, KeyPairSpec="ECC_NIST_P256")),
    }


OPERATIONS = ["GetPublicKey", "VerifyMac", "RSA Encrypt", "RSA Decrypt", "Sign of a digest", "DeriveSharedSecret",
              "GenerateDataKeyPair"]


@pytest.mark.behaviour("Disabled key refuses {op}")
@pytest.mark.parametrize("op", OPERATIONS)
def test_disabled_key_refuses(kms: Any, keys: Keys, op: str) -> None:
    """A Disabled KMS key cannot be used in cryptographic operations, whatever its type: DisabledException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    key_id, call = _prepared(kms, keys)[op]
    kms.disable_key(KeyId=key_id)
    try:
        assert error_code(lambda: call(kms, key_id)) == "DisabledException"
    finally:
        kms.enable_key(KeyId=key_id)
    assert call(kms, key_id)


@pytest.mark.behaviour("PendingDeletion key refuses {op}")
@pytest.mark.parametrize("op", OPERATIONS)
def test_pending_deletion_key_refuses(kms: Any, keys: Keys, op: str) -> None:
    """A KMS key pending deletion cannot be used in cryptographic operations, whatever its type:
    KMSInvalidStateException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    key_id, call = _prepared(kms, keys)[op]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    try:
        assert error_code(lambda: call(kms, key_id)) == "KMSInvalidStateException"
    finally:
        kms.cancel_key_deletion(KeyId=key_id)
        kms.enable_key(KeyId=key_id)
    assert call(kms, key_id)
