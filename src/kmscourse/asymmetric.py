"""Asymmetric KMS keys outside KMS: load a public key from GetPublicKey, verify signatures, encrypt with RSA-OAEP.

Everything here runs on this machine with the `cryptography` library and needs only the public key, which is the
point of an asymmetric key: the verifier or sender never calls KMS for the private half.
https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {"SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    """The hash a KMS algorithm name ends with: RSASSA_PSS_SHA_384 -> SHA-384, RSAES_OAEP_SHA_256 -> SHA-256."""
    return _HASHES[algorithm[algorithm.index("SHA_"):]]()


def load_public(der: bytes) -> Any:
    """A public key from the DER SubjectPublicKeyInfo bytes that GetPublicKey returns (or a file holds)."""
    return serialization.load_der_public_key(der)


def public_key(kms: Any, key_id: str) -> Any:
    """The KMS key's public key, fetched once with GetPublicKey and loaded with cryptography."""
    return load_public(kms.get_public_key(KeyId=key_id)["PublicKey"])


def verify_offline(public: Any, algorithm: str, signature: bytes, message: bytes, digest: bool = False) -> bool:
    """True when `signature` is a valid KMS `algorithm` signature of `message` (of its hash, with digest=True)."""
    try:
        if algorithm.startswith(("ED25519", "ML_DSA")):
            public.verify(signature, message)
            return True
        chosen = hash_of(algorithm)
        hashing: Any = utils.Prehashed(chosen) if digest else chosen
        if algorithm.startswith("RSASSA_PSS"):
            public.verify(signature, message, padding.PSS(mgf=padding.MGF1(chosen), salt_length=chosen.digest_size), hashing)
        elif algorithm.startswith("RSASSA_PKCS1"):
            public.verify(signature, message, padding.PKCS1v15(), hashing)
        elif algorithm.startswith("ECDSA"):
            public.verify(signature, message, ec.ECDSA(hashing))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, AttributeError):
        return False
    return True


def oaep(algorithm: str) -> padding.OAEP:
    """The RSA-OAEP padding of a KMS encryption algorithm (RSAES_OAEP_SHA_256: MGF1 and OAEP both with SHA-256)."""
    chosen = hash_of(algorithm)
    return padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)


def tampered(data: bytes, at: int | None = None) -> bytes:
    """A copy of `data` with one bit flipped (in the middle, unless `at` says where)."""
    copy = bytearray(data)
    copy[len(copy) // 2 if at is None else at] ^= 0x01
    return bytes(copy)
