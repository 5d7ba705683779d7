"""Post-quantum keys: ML-DSA signing (verified offline) and ML-KEM Encapsulate/Decapsulate with implicit rejection."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from key_types import Keys
from resources import error_code

MESSAGE = b"a message signed with a post-quantum key"
ML_DSA = ["ML_DSA_44", "ML_DSA_65", "ML_DSA_87"]
ML_KEM = {"ML_KEM_768": 1088, "ML_KEM_1024": 1568}


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """One key per post-quantum key spec for this module."""
    found = Keys(course)
    yield found
    found.close()


@pytest.mark.behaviour("ML-DSA {spec}: ML_DSA_SHAKE_256 signatures of RAW messages verify offline")
@pytest.mark.parametrize("spec", ML_DSA)
def test_ml_dsa_signature_verifies_offline(kms: Any, keys: Keys, spec: str) -> None:
    """An ML-DSA key signs with ML_DSA_SHAKE_256 (FIPS 204 ML-DSA with an empty context); the signature verifies with
    the public key from GetPublicKey outside KMS and with Verify, and Verify of another message fails.

    https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
    """
    meta = keys.get(spec, "SIGN_VERIFY")
    assert meta["SigningAlgorithms"] == ["ML_DSA_SHAKE_256"]
    signature = kms.sign(KeyId=meta["KeyId"], Message=MESSAGE, MessageType="RAW",
                         SigningAlgorithm="ML_DSA_SHAKE_256")["Signature"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=meta["KeyId"])["PublicKey"])
    public.verify(signature, MESSAGE)
    assert kms.verify(KeyId=meta["KeyId"], Message=MESSAGE, Signature=signature,
                      SigningAlgorithm="ML_DSA_SHAKE_256")["SignatureValid"] is True
    assert error_code(kms.verify, KeyId=meta["KeyId"], Message=MESSAGE + b"!", Signature=signature,
                      SigningAlgorithm="ML_DSA_SHAKE_256") == "KMSInvalidSignatureException"


@pytest.mark.behaviour("ML-DSA keys refuse MessageType DIGEST")
def test_ml_dsa_refuses_digest(kms: Any, keys: Keys) -> None:
    """ML-DSA signs the raw message or a 64-byte external mu (MessageType EXTERNAL_MU); DIGEST is not valid for
    ML_DSA_SHAKE_256: ValidationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
    """
    key_id = keys.get("ML_DSA_44", "SIGN_VERIFY")["KeyId"]
    assert error_code(kms.sign, KeyId=key_id, Message=b"\x00" * 64, MessageType="DIGEST",
                      SigningAlgorithm="ML_DSA_SHAKE_256") == "ValidationException"


@pytest.mark.behaviour("ML-KEM {spec}: Decapsulate recovers the secret of Encapsulate and of an offline encapsulation")
@pytest.mark.parametrize("spec", list(ML_KEM))
def test_ml_kem_round_trip(kms: Any, keys: Keys, spec: str) -> None:
    """Encapsulate returns a 32-byte shared secret and its ciphertext; Decapsulate of that ciphertext returns the same
    secret, as it does for a ciphertext made offline with the public key from GetPublicKey.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Encapsulate.html
    """
    meta = keys.get(spec, "ENCAPSULATE_DECAPSULATE")
    assert meta["EncapsulationAlgorithms"] == ["ML_KEM"]
    made = kms.encapsulate(KeyId=meta["KeyId"], EncapsulationAlgorithm="ML_KEM")
    assert len(made["SharedSecret"]) == 32 and len(made["SharedSecretCiphertextBlob"]) == ML_KEM[spec]
    assert kms.decapsulate(KeyId=meta["KeyId"], SharedSecretCiphertextBlob=made["SharedSecretCiphertextBlob"],
                           EncapsulationAlgorithm="ML_KEM")["SharedSecret"] == made["SharedSecret"]
    public = kms.get_public_key(KeyId=meta["KeyId"])
    assert public["KeyUsage"] == "ENCAPSULATE_DECAPSULATE" and public["EncapsulationAlgorithms"] == ["ML_KEM"]
    secret, ciphertext = serialization.load_der_public_key(public["PublicKey"]).encapsulate()
    assert kms.decapsulate(KeyId=meta["KeyId"], SharedSecretCiphertextBlob=ciphertext,
                           EncapsulationAlgorithm="ML_KEM")["SharedSecret"] == secret


@pytest.mark.behaviour("ML-KEM Decapsulate of an altered ciphertext gives a pseudo-random secret; a wrong length is InvalidCiphertextException")
def test_ml_kem_implicit_rejection(kms: Any, keys: Keys) -> None:
    """Decapsulate never says whether a ciphertext was valid (implicit rejection): an altered ciphertext of the right
    length gives a 32-byte pseudo-random value, the same each time; only a length inconsistent with the key spec
    gives InvalidCiphertextException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decapsulate.html
    """
    key_id = keys.get("ML_KEM_768", "ENCAPSULATE_DECAPSULATE")["KeyId"]
    made = kms.encapsulate(KeyId=key_id, EncapsulationAlgorithm="ML_KEM")
    blob = made["SharedSecretCiphertextBlob"]
    altered = bytes([blob[0] ^ 1]) + blob[1:]
    first, again = (kms.decapsulate(KeyId=key_id, SharedSecretCiphertextBlob=altered,
                                    EncapsulationAlgorithm="ML_KEM")["SharedSecret"] for _ in range(2))
    assert len(first) == 32 and first == again and first != made["SharedSecret"]
    assert error_code(kms.decapsulate, KeyId=key_id, SharedSecretCiphertextBlob=blob[:-1],
                      EncapsulationAlgorithm="ML_KEM") == "InvalidCiphertextException"
