"""GenerateDataKeyPair (and ...WithoutPlaintext), and DeriveSharedSecret: key pairs for use outside KMS.

https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPair.html
https://docs.aws.amazon.com/kms/latest/APIReference/API_DeriveSharedSecret.html
"""
from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from kmsemu.errors import AwsError
from kmsemu.kms import key_pairs
from kmsemu.kms.rsa_encryption import moto_call

_RECIPIENT = ("The emulator cannot answer for a Nitro Enclave Recipient: it has no attestation documents to check. "
              "kmsemu's fidelity table lists this.")


def refuse_recipient(params: dict[str, Any]) -> None:
    """ValidationException for a Recipient (Nitro Enclaves attestation), which the emulator cannot check."""
    if params.get("Recipient"):
        raise AwsError("ValidationException", _RECIPIENT)


def generate_data_key_pair(backend: Any, key: Any, params: dict[str, Any], plaintext: bool = True) -> dict[str, Any]:
    """A new key pair of KeyPairSpec: its public key, and its private key encrypted under the symmetric KMS key."""
    spec = params.get("KeyPairSpec", "")
    if spec == "SM2":
        raise AwsError("ValidationException", "KeyPairSpec SM2 is supported only in China Regions.")
    if spec.startswith("ML_") and not key_pairs.supported(spec):
        raise AwsError("UnsupportedOperationException", f"The emulator cannot make {spec} key pairs: the cryptography "
                       "library it runs on lacks this parameter set. kmsemu's fidelity table lists it.")
    private = key_pairs.generate(spec)
    private_der = key_pairs.private_der(private)
    blob, _ = moto_call(backend.encrypt, key.id, private_der, params.get("EncryptionContext") or {})
    found = {
        "PrivateKeyCiphertextBlob": base64.b64encode(blob).decode(),
        "PublicKey": base64.b64encode(key_pairs.public_der(private)).decode(),
        "KeyId": key.arn, "KeyPairSpec": spec,
    }
    if plaintext:
        found["PrivateKeyPlaintext"] = base64.b64encode(private_der).decode()
    return found


def generate_data_key_pair_without_plaintext(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """GenerateDataKeyPairWithoutPlaintext: as GenerateDataKeyPair, without the plaintext private key."""
    return generate_data_key_pair(backend, key, params, plaintext=False)


def derive_shared_secret(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """DeriveSharedSecret: the raw ECDH shared secret of the key's private key and the peer's public key."""
    if params.get("KeyAgreementAlgorithm") != "ECDH":
        raise AwsError("InvalidKeyUsageException",
                       f"Algorithm {params.get('KeyAgreementAlgorithm')} is incompatible with key spec {key.key_spec}.")
    private = key_pairs.private_key(key)
    peer = key_pairs.load_public(base64.b64decode(params.get("PublicKey", "")))
    if not isinstance(peer, ec.EllipticCurvePublicKey) or peer.curve.name != private.curve.name:
        raise AwsError("ValidationException", "The public key must be a DER-encoded X.509 SubjectPublicKeyInfo of "
                       f"a key on the same elliptic curve as {key.arn}.")
    secret = private.exchange(ec.ECDH(), peer)
    return {"KeyId": key.arn, "SharedSecret": base64.b64encode(secret).decode(), "KeyAgreementAlgorithm": "ECDH",
            "KeyOrigin": key.origin}
