"""Encrypt, Decrypt and ReEncrypt with RSA keys: real RSAES-OAEP, so the public key works offline.

https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html#key-spec-rsa-encryption
https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
"""
from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from kmsemu.errors import AwsError
from kmsemu.kms import key_pairs, key_specs

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}


def _oaep(algorithm: str) -> padding.OAEP:
    chosen = _HASHES[algorithm]()
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


def max_plaintext(spec: str, algorithm: str) -> int:
    """The most bytes RSAES-OAEP encrypts under this key spec: k - 2 hLen - 2 (214/190 bytes for RSA_2048)."""
    return key_pairs.RSA_BITS[spec] // 8 - 2 * _HASHES[algorithm]().digest_size - 2


def is_rsa_encryption_key(key: Any) -> bool:
    """Whether the key is an RSA key for ENCRYPT_DECRYPT."""
    return key is not None and key.key_spec in key_pairs.RSA_BITS and key.key_usage == "ENCRYPT_DECRYPT"


def _no_context(context: Any) -> None:
    if context:
        raise AwsError("ValidationException", "EncryptionContext is supported only on operations with symmetric "
                       "encryption KMS keys.")


def encrypt_bytes(key: Any, plaintext: bytes, algorithm: str | None) -> tuple[bytes, str]:
    """The RSAES-OAEP ciphertext of plaintext under the key's public key, and the algorithm used."""
    chosen = key_specs.check_algorithm(key, algorithm)
    limit = max_plaintext(key.key_spec, chosen)
    if len(plaintext) > limit:
        raise AwsError("ValidationException",
                       f"Algorithm {chosen} and key spec {key.key_spec} cannot encrypt data larger than {limit} bytes.")
    return bytes(key_pairs.private_key(key).public_key().encrypt(plaintext, _oaep(chosen))), chosen


def decrypt_bytes(key: Any, ciphertext: bytes, algorithm: str | None) -> tuple[bytes, str]:
    """The plaintext of an RSAES-OAEP ciphertext, or InvalidCiphertextException."""
    chosen = key_specs.check_algorithm(key, algorithm)
    try:
        return bytes(key_pairs.private_key(key).decrypt(ciphertext, _oaep(chosen))), chosen
    except ValueError:
        raise AwsError("InvalidCiphertextException", "") from None


def encrypt(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Encrypt with an RSA key."""
    _no_context(params.get("EncryptionContext"))
    blob, algorithm = encrypt_bytes(key, base64.b64decode(params.get("Plaintext", "")), params.get("EncryptionAlgorithm"))
    return {"CiphertextBlob": base64.b64encode(blob).decode(), "KeyId": key.arn, "EncryptionAlgorithm": algorithm}


def decrypt(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Decrypt with an RSA key (named by KeyId: an RSA ciphertext does not name its key)."""
    _no_context(params.get("EncryptionContext"))
    plain, algorithm = decrypt_bytes(key, base64.b64decode(params.get("CiphertextBlob", "")),
                                     params.get("EncryptionAlgorithm"))
    return {"KeyId": key.arn, "Plaintext": base64.b64encode(plain).decode(), "EncryptionAlgorithm": algorithm}


def moto_call(call: Any, *args: Any) -> Any:
    """A moto backend call, with moto's KMS errors as AwsError."""
    from moto.core.exceptions import JsonRESTError

    try:
        return call(*args)
    except JsonRESTError as error:
        raise AwsError(error.error_type, error.message) from None


def re_encrypt(backend: Any, source: Any, target: Any, params: dict[str, Any]) -> dict[str, Any]:
    """ReEncrypt where the source or destination key is an RSA key (moto handles symmetric to symmetric)."""
    blob = base64.b64decode(params.get("CiphertextBlob", ""))
    if is_rsa_encryption_key(source):
        _no_context(params.get("SourceEncryptionContext"))
        plain, source_algorithm = decrypt_bytes(source, blob, params.get("SourceEncryptionAlgorithm"))
    else:
        source_algorithm = key_specs.check_algorithm(source, params.get("SourceEncryptionAlgorithm"))
        plain, _ = moto_call(backend.decrypt, blob, params.get("SourceEncryptionContext") or {})
    if is_rsa_encryption_key(target):
        _no_context(params.get("DestinationEncryptionContext"))
        new_blob, target_algorithm = encrypt_bytes(target, plain, params.get("DestinationEncryptionAlgorithm"))
    else:
        target_algorithm = key_specs.check_algorithm(target, params.get("DestinationEncryptionAlgorithm"))
        new_blob, _ = moto_call(backend.encrypt, target.id, plain, params.get("DestinationEncryptionContext") or {})
    return {"CiphertextBlob": base64.b64encode(new_blob).decode(), "SourceKeyId": source.arn, "KeyId": target.arn,
            "SourceEncryptionAlgorithm": source_algorithm, "DestinationEncryptionAlgorithm": target_algorithm}
