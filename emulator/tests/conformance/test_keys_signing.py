"""Asymmetric signing keys (RSA, NIST ECC, secp256k1, Ed25519): Sign, Verify and GetPublicKey, checked offline."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, utils
from key_types import Keys, hash_of
from resources import error_code

SIGNING_SPECS = {
    "RSA_2048": ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
                 "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"],
    "ECC_NIST_P256": ["ECDSA_SHA_256"], "ECC_NIST_P384": ["ECDSA_SHA_384"], "ECC_NIST_P521": ["ECDSA_SHA_512"],
    "ECC_SECG_P256K1": ["ECDSA_SHA_256"], "ECC_NIST_EDWARDS25519": ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
}
PAIRS = [(spec, algorithm) for spec, algorithms in SIGNING_SPECS.items() for algorithm in algorithms
         if algorithm != "ED25519_PH_SHA_512"]
MESSAGE = b"release 1.4.2: sha256 of the tarball goes here"


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """One signing key per key spec for this module (RSA keys are slow to make)."""
    found = Keys(course)
    yield found
    found.close()


def _verify_offline(public: Any, algorithm: str, signature: bytes, message: bytes, prehashed: bool = False) -> None:
    """Verify a KMS signature with cryptography alone, as AWS documents each algorithm (raises when invalid)."""
    chosen = hash_of(algorithm) if not algorithm.startswith("ED25519") else None
    hashing: Any = utils.Prehashed(chosen) if prehashed and chosen is not None else chosen
    if algorithm.startswith("RSASSA_PSS"):
        public.verify(signature, message, padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size), hashing)
    elif algorithm.startswith("RSASSA_PKCS1"):
        public.verify(signature, message, padding.PKCS1v15(), hashing)
    elif algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(hashing))
    else:
        public.verify(signature, message)


@pytest.mark.behaviour("GetPublicKey of a {spec} signing key: DER SubjectPublicKeyInfo with KeySpec, KeyUsage, SigningAlgorithms")
@pytest.mark.parametrize("spec", list(SIGNING_SPECS))
def test_get_public_key(kms: Any, keys: Keys, spec: str) -> None:
    """GetPublicKey returns the public key as DER-encoded X.509 SubjectPublicKeyInfo, with the key's KeySpec,
    KeyUsage and SigningAlgorithms; DescribeKey lists the same signing algorithms and no encryption algorithms.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetPublicKey.html
    """
    meta = keys.get(spec, "SIGN_VERIFY")
    found = kms.get_public_key(KeyId=meta["KeyId"])
    assert (found["KeySpec"], found["KeyUsage"], found["KeyId"]) == (spec, "SIGN_VERIFY", meta["Arn"])
    assert sorted(found["SigningAlgorithms"]) == sorted(SIGNING_SPECS[spec]) == sorted(meta["SigningAlgorithms"])
    assert "EncryptionAlgorithms" not in found and "EncryptionAlgorithms" not in meta
    public = keys.public_key(meta["KeyId"])
    if spec.startswith("ECC_NIST_P") or spec == "ECC_SECG_P256K1":
        curve = {"ECC_NIST_P256": "secp256r1", "ECC_NIST_P384": "secp384r1", "ECC_NIST_P521": "secp521r1",
                 "ECC_SECG_P256K1": "secp256k1"}[spec]
        assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == curve
    elif spec == "RSA_2048":
        assert public.key_size == 2048
    else:
        assert isinstance(public, ed25519.Ed25519PublicKey)


@pytest.mark.behaviour("Sign with {algorithm} on a {spec} key: the signature verifies offline with the public key")
@pytest.mark.parametrize(("spec", "algorithm"), PAIRS)
def test_signature_verifies_offline(kms: Any, keys: Keys, spec: str, algorithm: str) -> None:
    """A KMS signature verifies outside KMS with the public key: RSASSA-PSS uses MGF1 with the same hash and a salt
    as long as the digest, PKCS #1 v1.5 and ECDSA sign the hash of the message, Ed25519 the message itself.

    https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
    """
    meta = keys.get(spec, "SIGN_VERIFY")
    answer = kms.sign(KeyId=meta["KeyId"], Message=MESSAGE, MessageType="RAW", SigningAlgorithm=algorithm)
    assert (answer["KeyId"], answer["SigningAlgorithm"]) == (meta["Arn"], algorithm)
    _verify_offline(keys.public_key(meta["KeyId"]), algorithm, answer["Signature"], MESSAGE)
    assert kms.verify(KeyId=meta["KeyId"], Message=MESSAGE, Signature=answer["Signature"],
                      SigningAlgorithm=algorithm)["SignatureValid"] is True


@pytest.mark.behaviour("Sign with MessageType DIGEST signs the given digest without hashing it again")
@pytest.mark.parametrize("algorithm", ["RSASSA_PSS_SHA_384", "RSASSA_PKCS1_V1_5_SHA_256", "ECDSA_SHA_256"])
def test_digest_is_not_hashed_again(kms: Any, keys: Keys, algorithm: str) -> None:
    """With MessageType DIGEST, KMS skips the hashing step: a signature of SHA-x(message) is the signature of the
    message, so it verifies offline against the message and in KMS as a RAW message.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    meta = keys.get("RSA_2048" if algorithm.startswith("RSA") else "ECC_NIST_P256", "SIGN_VERIFY")
    chosen = hash_of(algorithm)
    digest = hashlib.new(chosen.name, MESSAGE).digest()
    signature = kms.sign(KeyId=meta["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)["Signature"]
    public = keys.public_key(meta["KeyId"])
    _verify_offline(public, algorithm, signature, MESSAGE)
    _verify_offline(public, algorithm, signature, digest, prehashed=True)
    assert kms.verify(KeyId=meta["KeyId"], Message=MESSAGE, MessageType="RAW", Signature=signature,
                      SigningAlgorithm=algorithm)["SignatureValid"] is True
    assert kms.verify(KeyId=meta["KeyId"], Message=digest, MessageType="DIGEST", Signature=signature,
                      SigningAlgorithm=algorithm)["SignatureValid"] is True


@pytest.mark.behaviour("Sign with MessageType DIGEST of the wrong length gives ValidationException")
def test_digest_length_checked(kms: Any, keys: Keys) -> None:
    """With MessageType DIGEST, the message must be as long as the signing algorithm's hash output.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    key_id = keys.get("ECC_NIST_P256", "SIGN_VERIFY")["KeyId"]
    assert error_code(kms.sign, KeyId=key_id, Message=b"\x00" * 20, MessageType="DIGEST",
                      SigningAlgorithm="ECDSA_SHA_256") == "ValidationException"


@pytest.mark.behaviour("Verify of a tampered message or signature gives KMSInvalidSignatureException")
@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_EDWARDS25519"])
def test_tampered_message_fails(kms: Any, keys: Keys, spec: str) -> None:
    """Verify of a message that differs from the signed one (or of an altered signature) fails with
    KMSInvalidSignatureException rather than returning SignatureValid false.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html
    """
    meta = keys.get(spec, "SIGN_VERIFY")
    algorithm = SIGNING_SPECS[spec][0]
    signature = kms.sign(KeyId=meta["KeyId"], Message=MESSAGE, SigningAlgorithm=algorithm)["Signature"]
    assert error_code(kms.verify, KeyId=meta["KeyId"], Message=MESSAGE + b".", Signature=signature,
                      SigningAlgorithm=algorithm) == "KMSInvalidSignatureException"
    altered = bytes([signature[0] ^ 1]) + signature[1:]
    assert error_code(kms.verify, KeyId=meta["KeyId"], Message=MESSAGE, Signature=altered,
                      SigningAlgorithm=algorithm) == "KMSInvalidSignatureException"


@pytest.mark.behaviour("ECDSA signatures are DER-encoded (r, s) and differ on every call")
def test_ecdsa_signature_is_der(kms: Any, keys: Keys) -> None:
    """An ECDSA signature is a DER-encoded object (ANSI X9.62-2005, RFC 3279 section 2.2.3); ECDSA is randomised,
    so two signatures of the same message differ and both verify.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    meta = keys.get("ECC_NIST_P384", "SIGN_VERIFY")
    first, second = (kms.sign(KeyId=meta["KeyId"], Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_384")["Signature"]
                     for _ in range(2))
    r, s = utils.decode_dss_signature(first)
    assert utils.encode_dss_signature(r, s) == first and first != second
    _verify_offline(keys.public_key(meta["KeyId"]), "ECDSA_SHA_384", second, MESSAGE)


@pytest.mark.behaviour("Ed25519 keys: ED25519_SHA_512 needs MessageType RAW, ED25519_PH_SHA_512 needs DIGEST")
def test_ed25519_message_types(kms: Any, keys: Keys) -> None:
    """ECC_NIST_EDWARDS25519 keys sign with ED25519_SHA_512 (pure Ed25519, MessageType RAW only) and with
    ED25519_PH_SHA_512 (HashEdDSA, MessageType DIGEST only: a 64-byte SHA-512 digest, which KMS prehashes again).
    A pure Ed25519 signature is deterministic and verifies with any Ed25519 library.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    key_id = keys.get("ECC_NIST_EDWARDS25519", "SIGN_VERIFY")["KeyId"]
    digest = hashlib.sha512(MESSAGE).digest()
    assert error_code(kms.sign, KeyId=key_id, Message=digest, MessageType="DIGEST",
                      SigningAlgorithm="ED25519_SHA_512") == "ValidationException"
    assert error_code(kms.sign, KeyId=key_id, Message=MESSAGE, MessageType="RAW",
                      SigningAlgorithm="ED25519_PH_SHA_512") == "ValidationException"
    pure = [kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="ED25519_SHA_512")["Signature"] for _ in range(2)]
    assert pure[0] == pure[1] and len(pure[0]) == 64
    prehashed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm="ED25519_PH_SHA_512")
    assert len(prehashed["Signature"]) == 64 and prehashed["Signature"] != pure[0]
    assert kms.verify(KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=prehashed["Signature"],
                      SigningAlgorithm="ED25519_PH_SHA_512")["SignatureValid"] is True
    assert error_code(kms.verify, KeyId=key_id, Message=digest, MessageType="DIGEST", Signature=pure[0],
                      SigningAlgorithm="ED25519_PH_SHA_512") == "KMSInvalidSignatureException"


@pytest.mark.behaviour("A signing algorithm the key spec does not support gives InvalidKeyUsageException")
@pytest.mark.parametrize(("spec", "algorithm"), [("ECC_NIST_P256", "ECDSA_SHA_384"), ("ECC_NIST_P256", "RSASSA_PSS_SHA_256"),
                                                 ("RSA_2048", "ECDSA_SHA_256")])
def test_incompatible_algorithm(kms: Any, keys: Keys, spec: str, algorithm: str) -> None:
    """Sign fails with InvalidKeyUsageException when the signing algorithm is incompatible with the key's KeySpec.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    key_id = keys.get(spec, "SIGN_VERIFY")["KeyId"]
    assert error_code(kms.sign, KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm) == "InvalidKeyUsageException"
