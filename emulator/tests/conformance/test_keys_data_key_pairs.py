"""Data key pairs (GenerateDataKeyPair, ...WithoutPlaintext) and key agreement (DeriveSharedSecret with ECDH)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from key_types import Keys
from resources import error_code

PAIR_SPECS = ["RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
              "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"]
CONTEXT = {"purpose": "device-identity"}


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """The symmetric key that protects the pairs, and ECC key agreement keys, for this module."""
    found = Keys(course)
    yield found
    found.close()


def _matches(private: Any, public: Any, spec: str) -> bool:
    """Whether the private and public key form one pair of the spec."""
    raw = serialization.PublicFormat.SubjectPublicKeyInfo
    same = private.public_key().public_bytes(serialization.Encoding.DER, raw) == public.public_bytes(serialization.Encoding.DER, raw)
    if spec.startswith("RSA"):
        return same and isinstance(private, rsa.RSAPrivateKey) and private.key_size == int(spec.split("_")[1])
    if spec == "ECC_NIST_EDWARDS25519":
        return same and isinstance(private, ed25519.Ed25519PrivateKey)
    return same and isinstance(private, ec.EllipticCurvePrivateKey)


@pytest.mark.behaviour("GenerateDataKeyPair {spec}: a key pair whose private key is also encrypted under the KMS key")
@pytest.mark.parametrize("spec", PAIR_SPECS)
def test_generate_data_key_pair(kms: Any, keys: Keys, spec: str) -> None:
    """GenerateDataKeyPair returns the public key (DER SubjectPublicKeyInfo), the private key in plaintext (DER PKCS #8)
    and the same private key encrypted under the symmetric KMS key with the encryption context, which Decrypt returns.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPair.html
    """
    meta = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    pair = kms.generate_data_key_pair(KeyId=meta["KeyId"], KeyPairSpec=spec, EncryptionContext=CONTEXT)
    assert (pair["KeyId"], pair["KeyPairSpec"]) == (meta["Arn"], spec)
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], password=None)
    assert _matches(private, serialization.load_der_public_key(pair["PublicKey"]), spec)
    decrypted = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext=CONTEXT)
    assert decrypted["Plaintext"] == pair["PrivateKeyPlaintext"] and decrypted["KeyId"] == meta["Arn"]
    assert error_code(kms.decrypt, CiphertextBlob=pair["PrivateKeyCiphertextBlob"]) == "InvalidCiphertextException"


@pytest.mark.behaviour("GenerateDataKeyPairWithoutPlaintext returns the public key and only the encrypted private key")
def test_without_plaintext(kms: Any, keys: Keys) -> None:
    """GenerateDataKeyPairWithoutPlaintext returns no plaintext private key; decrypting the encrypted one later gives
    the private key of the returned public key.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPairWithoutPlaintext.html
    """
    meta = keys.get("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")
    pair = kms.generate_data_key_pair_without_plaintext(KeyId=meta["KeyId"], KeyPairSpec="ECC_NIST_P256",
                                                        EncryptionContext=CONTEXT)
    assert "PrivateKeyPlaintext" not in pair and pair["KeyPairSpec"] == "ECC_NIST_P256"
    private_der = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext=CONTEXT)["Plaintext"]
    private = serialization.load_der_private_key(private_der, password=None)
    assert _matches(private, serialization.load_der_public_key(pair["PublicKey"]), "ECC_NIST_P256")


@pytest.mark.behaviour("GenerateDataKeyPair needs a symmetric encryption KMS key")
@pytest.mark.parametrize(("spec", "usage"), [("RSA_2048", "ENCRYPT_DECRYPT"), ("ECC_NIST_P256", "SIGN_VERIFY")])
def test_needs_symmetric_key(kms: Any, keys: Keys, spec: str, usage: str) -> None:
    """The KMS key that protects a data key pair must be a symmetric encryption key; an asymmetric key is refused
    with InvalidKeyUsageException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPair.html
    """
    key_id = keys.get(spec, usage)["KeyId"]
    assert error_code(kms.generate_data_key_pair, KeyId=key_id, KeyPairSpec="ECC_NIST_P256") == "InvalidKeyUsageException"


@pytest.mark.behaviour("DeriveSharedSecret with an {spec} key agreement key equals the ECDH secret computed locally")
@pytest.mark.parametrize("spec", ["ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521"])
def test_derive_shared_secret(kms: Any, keys: Keys, spec: str) -> None:
    """DeriveSharedSecret returns the raw ECDH shared secret of the KMS key's private key and the peer's public key:
    the same bytes the peer computes with its private key and the KMS key's public key (GetPublicKey).

    https://docs.aws.amazon.com/kms/latest/APIReference/API_DeriveSharedSecret.html
    """
    meta = keys.get(spec, "KEY_AGREEMENT")
    assert meta["KeyAgreementAlgorithms"] == ["ECDH"] and "SigningAlgorithms" not in meta
    public = kms.get_public_key(KeyId=meta["KeyId"])
    assert public["KeyUsage"] == "KEY_AGREEMENT" and public["KeyAgreementAlgorithms"] == ["ECDH"]
    curve = serialization.load_der_public_key(public["PublicKey"]).curve
    bob = ec.generate_private_key(type(curve)())
    bob_public = bob.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    found = kms.derive_shared_secret(KeyId=meta["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=bob_public)
    assert found["SharedSecret"] == bob.exchange(ec.ECDH(), serialization.load_der_public_key(public["PublicKey"]))
    assert (found["KeyId"], found["KeyAgreementAlgorithm"], found["KeyOrigin"]) == (meta["Arn"], "ECDH", "AWS_KMS")


@pytest.mark.behaviour("DeriveSharedSecret with a key that is not for KEY_AGREEMENT gives InvalidKeyUsageException")
def test_derive_needs_key_agreement_usage(kms: Any, keys: Keys) -> None:
    """Only an ECC key with KeyUsage KEY_AGREEMENT derives shared secrets; a signing key of the same curve is refused.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_DeriveSharedSecret.html
    """
    key_id = keys.get("ECC_NIST_P256", "SIGN_VERIFY")["KeyId"]
    peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert error_code(kms.derive_shared_secret, KeyId=key_id, KeyAgreementAlgorithm="ECDH",
                      PublicKey=peer) == "InvalidKeyUsageException"
