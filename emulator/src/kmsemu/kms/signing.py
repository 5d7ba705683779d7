"""Sign, Verify and GetPublicKey with real key pairs, as AWS signs: PSS salt = digest length, DIGEST not hashed again.

https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
"""
from __future__ import annotations

import base64
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from kmsemu.errors import AwsError
from kmsemu.kms import ed25519ph, key_pairs, key_specs

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384,
                                                  "SHA_512": hashes.SHA512}


def _hash(algorithm: str) -> hashes.HashAlgorithm:
    """The hash a signing algorithm names at its end (RSASSA_PSS_SHA_256 -> SHA-256)."""
    return _HASHES[algorithm[-7:]]()


def _message(params: dict[str, Any], algorithm: str) -> tuple[bytes, str]:
    """The message bytes and MessageType, checked against the algorithm as AWS checks them."""
    message = base64.b64decode(params.get("Message", ""))
    kind = params.get("MessageType") or "RAW"
    if algorithm == "ED25519_SHA_512" and kind != "RAW":
        raise AwsError("ValidationException", "The ED25519_SHA_512 signing algorithm requires MessageType RAW.")
    if algorithm == "ED25519_PH_SHA_512" and kind != "DIGEST":
        raise AwsError("ValidationException", "The ED25519_PH_SHA_512 signing algorithm requires MessageType DIGEST.")
    if kind == "EXTERNAL_MU":
        if algorithm != "ML_DSA_SHAKE_256":
            raise AwsError("ValidationException", f"MessageType EXTERNAL_MU is not valid for algorithm {algorithm}.")
        if len(message) != 64:
            raise AwsError("ValidationException", "The EXTERNAL_MU message must be 64 bytes.")
        raise AwsError("UnsupportedOperationException", "The emulator cannot sign an EXTERNAL_MU message: the "
                       "cryptography library it runs on signs ML-DSA only from the raw message.")
    if kind == "DIGEST":
        if algorithm == "ML_DSA_SHAKE_256":
            raise AwsError("ValidationException", "MessageType DIGEST is not valid for algorithm ML_DSA_SHAKE_256; "
                           "use RAW or EXTERNAL_MU.")
        if len(message) != _hash(algorithm).digest_size:
            raise AwsError("ValidationException", f"Digest is invalid length for algorithm {algorithm}.")
    return message, kind


def _rsa_padding(algorithm: str) -> padding.AsymmetricPadding:
    if algorithm.startswith("RSASSA_PSS"):
        return padding.PSS(mgf=padding.MGF1(_hash(algorithm)), salt_length=padding.PSS.DIGEST_LENGTH)
    return padding.PKCS1v15()


def _chosen_hash(algorithm: str, kind: str) -> Any:
    """The hash to give cryptography: the algorithm's, or Prehashed when the message is the digest already."""
    found = _hash(algorithm)
    return utils.Prehashed(found) if kind == "DIGEST" else found


def sign_bytes(private: Any, algorithm: str, message: bytes, kind: str) -> bytes:
    """The signature AWS would make: RSA (PSS or PKCS #1 v1.5), ECDSA in DER, Ed25519 or ML-DSA."""
    if algorithm.startswith("RSASSA"):
        return bytes(private.sign(message, _rsa_padding(algorithm), _chosen_hash(algorithm, kind)))
    if algorithm.startswith("ECDSA"):
        return bytes(private.sign(message, ec.ECDSA(_chosen_hash(algorithm, kind))))
    if algorithm == "ED25519_PH_SHA_512":
        return ed25519ph.sign(private, message)
    return bytes(private.sign(message))  # ED25519_SHA_512, ML_DSA_SHAKE_256 (pure, empty context)


def verify_bytes(public: Any, algorithm: str, message: bytes, kind: str, signature: bytes) -> bool:
    """Whether the signature is valid for the message under this public key and algorithm."""
    try:
        if algorithm.startswith("RSASSA"):
            public.verify(signature, message, _rsa_padding(algorithm), _chosen_hash(algorithm, kind))
        elif algorithm.startswith("ECDSA"):
            public.verify(signature, message, ec.ECDSA(_chosen_hash(algorithm, kind)))
        elif algorithm == "ED25519_PH_SHA_512":
            return ed25519ph.verify(public, message, signature)
        else:
            public.verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def sign(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Sign: the signature over the message (or digest) with the key's private key."""
    algorithm = key_specs.check_algorithm(key, params.get("SigningAlgorithm"))
    message, kind = _message(params, algorithm)
    signature = sign_bytes(key_pairs.private_key(key), algorithm, message, kind)
    return {"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(), "SigningAlgorithm": algorithm}


def verify(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Verify: SignatureValid true, or KMSInvalidSignatureException."""
    algorithm = key_specs.check_algorithm(key, params.get("SigningAlgorithm"))
    message, kind = _message(params, algorithm)
    signature = base64.b64decode(params.get("Signature", ""))
    if not verify_bytes(key_pairs.private_key(key).public_key(), algorithm, message, kind, signature):
        raise AwsError("KMSInvalidSignatureException", "")
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


def get_public_key(key: Any) -> dict[str, Any]:
    """GetPublicKey: DER SubjectPublicKeyInfo with the key's spec, usage and algorithms."""
    if not key_specs.is_asymmetric(key.key_spec):
        raise AwsError("UnsupportedOperationException",
                       f"{key.arn} key spec is {key.key_spec} which is not valid for GetPublicKey.")
    usage = key.key_usage or "ENCRYPT_DECRYPT"
    found = {
        "KeyId": key.arn, "PublicKey": base64.b64encode(key_pairs.public_der(key_pairs.private_key(key))).decode(),
        "CustomerMasterKeySpec": key.key_spec, "KeySpec": key.key_spec, "KeyUsage": usage,
    }
    found.update(key_specs.algorithms(key.key_spec, usage))
    return found
