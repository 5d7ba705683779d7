"""RSA encryption keys: RSAES-OAEP with the public key (also offline), Decrypt in KMS, and the size limits."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from key_types import Keys, hash_of
from resources import error_code

ALGORITHMS = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
LIMITS = {("RSA_2048", "RSAES_OAEP_SHA_1"): 214, ("RSA_2048", "RSAES_OAEP_SHA_256"): 190,
          ("RSA_3072", "RSAES_OAEP_SHA_1"): 342, ("RSA_3072", "RSAES_OAEP_SHA_256"): 318,
          ("RSA_4096", "RSAES_OAEP_SHA_1"): 470, ("RSA_4096", "RSAES_OAEP_SHA_256"): 446}


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """One RSA encryption key per key spec for this module."""
    found = Keys(course)
    yield found
    found.close()


def _oaep(algorithm: str) -> padding.OAEP:
    chosen = hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


@pytest.mark.behaviour("A ciphertext made offline with an RSA key's public key ({algorithm}) decrypts in KMS")
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_offline_ciphertext_decrypts(kms: Any, keys: Keys, algorithm: str) -> None:
    """Data encrypted outside KMS with the public key from GetPublicKey and RSAES-OAEP (MGF1 with the same hash)
    decrypts with Decrypt, given the KMS key and the same encryption algorithm.

    https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
    """
    meta = keys.get("RSA_2048", "ENCRYPT_DECRYPT")
    assert meta["EncryptionAlgorithms"] == ALGORITHMS and "SigningAlgorithms" not in meta
    ciphertext = keys.public_key(meta["KeyId"]).encrypt(b"db password", _oaep(algorithm))
    found = kms.decrypt(KeyId=meta["KeyId"], CiphertextBlob=ciphertext, EncryptionAlgorithm=algorithm)
    assert (found["Plaintext"], found["KeyId"], found["EncryptionAlgorithm"]) == (b"db password", meta["Arn"], algorithm)


@pytest.mark.behaviour("Encrypt with an RSA key is RSAES-OAEP: a modulus-sized, randomised ciphertext that Decrypt reverses")
def test_kms_ciphertext(kms: Any, keys: Keys) -> None:
    """Encrypt with an RSA key and an OAEP algorithm gives a ciphertext as long as the modulus, different each time
    (OAEP is randomised); Decrypt with the same key and algorithm returns the plaintext, and with the other OAEP
    algorithm fails with InvalidCiphertextException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
    """
    meta = keys.get("RSA_2048", "ENCRYPT_DECRYPT")
    made = [kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"token", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
            for _ in range(2)]
    assert made[0]["EncryptionAlgorithm"] == "RSAES_OAEP_SHA_256" and made[0]["KeyId"] == meta["Arn"]
    assert len(made[0]["CiphertextBlob"]) == 256 and made[0]["CiphertextBlob"] != made[1]["CiphertextBlob"]
    assert kms.decrypt(KeyId=meta["KeyId"], CiphertextBlob=made[1]["CiphertextBlob"],
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == b"token"
    assert error_code(kms.decrypt, KeyId=meta["KeyId"], CiphertextBlob=made[0]["CiphertextBlob"],
                      EncryptionAlgorithm="RSAES_OAEP_SHA_1") == "InvalidCiphertextException"


@pytest.mark.behaviour("Encrypt with an RSA key needs an RSAES_OAEP algorithm (the default SYMMETRIC_DEFAULT is refused)")
def test_algorithm_required(kms: Any, keys: Keys) -> None:
    """With an asymmetric KMS key the encryption algorithm must be given and compatible with the key spec; without
    it KMS uses SYMMETRIC_DEFAULT, which an RSA key does not support: InvalidKeyUsageException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
    """
    key_id = keys.get("RSA_2048", "ENCRYPT_DECRYPT")["KeyId"]
    assert error_code(kms.encrypt, KeyId=key_id, Plaintext=b"x") == "InvalidKeyUsageException"
    sym = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")["KeyId"]
    assert error_code(kms.encrypt, KeyId=sym, Plaintext=b"x",
                      EncryptionAlgorithm="RSAES_OAEP_SHA_256") == "InvalidKeyUsageException"


@pytest.mark.behaviour("RSA Encrypt size limit for {spec} with {algorithm}")
@pytest.mark.parametrize(("spec", "algorithm"), list(LIMITS))
def test_size_limits(kms: Any, keys: Keys, spec: str, algorithm: str) -> None:
    """The largest plaintext an RSA key encrypts depends on key spec and algorithm (RSA_2048: 214 bytes with
    RSAES_OAEP_SHA_1, 190 with RSAES_OAEP_SHA_256; 3072: 342/318; 4096: 470/446); one byte more is ValidationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
    """
    key_id = keys.get(spec, "ENCRYPT_DECRYPT")["KeyId"]
    limit = LIMITS[(spec, algorithm)]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"a" * limit, EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    assert len(blob) == int(spec.split("_")[1]) // 8
    assert error_code(kms.encrypt, KeyId=key_id, Plaintext=b"a" * (limit + 1),
                      EncryptionAlgorithm=algorithm) == "ValidationException"


@pytest.mark.behaviour("ReEncrypt moves a ciphertext from an RSA key to a symmetric key and back")
def test_reencrypt_between_rsa_and_symmetric(kms: Any, keys: Keys) -> None:
    """ReEncrypt decrypts under the source key (an RSA key named by SourceKeyId with SourceEncryptionAlgorithm) and
    encrypts under the destination key; the response names both keys and both algorithms.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
    """
    rsa_key = keys.get("RSA_2048", "ENCRYPT_DECRYPT")
    sym = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    blob = keys.public_key(rsa_key["KeyId"]).encrypt(b"moved", _oaep("RSAES_OAEP_SHA_1"))
    moved = kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=rsa_key["KeyId"], SourceEncryptionAlgorithm="RSAES_OAEP_SHA_1",
                           DestinationKeyId=sym["KeyId"], DestinationEncryptionContext={"app": "test"})
    assert (moved["SourceKeyId"], moved["KeyId"]) == (rsa_key["Arn"], sym["Arn"])
    assert (moved["SourceEncryptionAlgorithm"], moved["DestinationEncryptionAlgorithm"]) == ("RSAES_OAEP_SHA_1", "SYMMETRIC_DEFAULT")
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"app": "test"})["Plaintext"] == b"moved"
    back = kms.re_encrypt(CiphertextBlob=moved["CiphertextBlob"], SourceEncryptionContext={"app": "test"},
                          DestinationKeyId=rsa_key["KeyId"], DestinationEncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert kms.decrypt(KeyId=rsa_key["Arn"], CiphertextBlob=back["CiphertextBlob"],
                       EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"] == b"moved"


@pytest.mark.behaviour("Encrypt, Decrypt and ReEncrypt with a symmetric key report EncryptionAlgorithm SYMMETRIC_DEFAULT")
def test_symmetric_algorithm_members(kms: Any, keys: Keys) -> None:
    """Encrypt and Decrypt responses carry EncryptionAlgorithm, ReEncrypt's Source- and DestinationEncryptionAlgorithm;
    for symmetric encryption keys they are SYMMETRIC_DEFAULT.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
    """
    key_id = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")["KeyId"]
    made = kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert made["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert kms.decrypt(CiphertextBlob=made["CiphertextBlob"])["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    moved = kms.re_encrypt(CiphertextBlob=made["CiphertextBlob"], DestinationKeyId=key_id)
    assert (moved["SourceEncryptionAlgorithm"], moved["DestinationEncryptionAlgorithm"]) == ("SYMMETRIC_DEFAULT",) * 2
    assert base64.b64encode(moved["CiphertextBlob"])
