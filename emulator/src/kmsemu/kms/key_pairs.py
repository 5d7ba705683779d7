"""Asymmetric key pairs of KMS keys: made on first use (RSA is slow to generate), per key spec, with cryptography.

https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
"""
from __future__ import annotations

import threading
from functools import cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from kmsemu.errors import AwsError

CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1, "ECC_NIST_P384": ec.SECP384R1, "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
RSA_BITS = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

_ATTRIBUTE = "_kmsemu_key_pair"
_lock = threading.Lock()


def _post_quantum(spec: str) -> Any:
    """The cryptography class for an ML-DSA or ML-KEM key spec, or None when this cryptography lacks it."""
    try:
        from cryptography.hazmat.primitives.asymmetric import mldsa, mlkem
    except ImportError:  # an older cryptography
        return None
    name = {"ML_DSA_44": "MLDSA44PrivateKey", "ML_DSA_65": "MLDSA65PrivateKey", "ML_DSA_87": "MLDSA87PrivateKey",
            "ML_KEM_512": "MLKEM512PrivateKey", "ML_KEM_768": "MLKEM768PrivateKey",
            "ML_KEM_1024": "MLKEM1024PrivateKey"}.get(spec, "")
    module = mldsa if spec.startswith("ML_DSA") else mlkem
    return getattr(module, name, None)


@cache
def supported(spec: str) -> bool:
    """Whether this emulator can make key pairs of the spec (post-quantum ones depend on cryptography)."""
    if spec in RSA_BITS or spec in CURVES or spec == "ECC_NIST_EDWARDS25519":
        return True
    if spec.startswith("ML_"):
        found = _post_quantum(spec)
        if found is None:
            return False
        try:
            found.generate()
        except Exception:  # the OpenSSL underneath lacks the algorithm
            return False
        return True
    return False


def generate(spec: str) -> Any:
    """A new private key of this key spec."""
    if spec in RSA_BITS:
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS[spec])
    if spec in CURVES:
        return ec.generate_private_key(CURVES[spec]())
    if spec == "ECC_NIST_EDWARDS25519":
        return ed25519.Ed25519PrivateKey.generate()
    found = _post_quantum(spec) if spec.startswith("ML_") else None
    if found is None:
        raise AwsError("UnsupportedOperationException",
                       f"The emulator cannot make {spec} key pairs: the cryptography library it runs on lacks them.")
    return found.generate()


def private_key(key: Any) -> Any:
    """The key pair of a moto Key, generated on first use and kept on the Key."""
    found = getattr(key, _ATTRIBUTE, None)
    if found is None and key.origin == "EXTERNAL":  # its material is imported, never made here
        raise AwsError("KMSInvalidStateException", f"{key.arn} is pending import.")
    if found is None:
        with _lock:
            found = getattr(key, _ATTRIBUTE, None)
            if found is None:
                found = generate(key.key_spec)
                setattr(key, _ATTRIBUTE, found)
    return found


def set_private_key(key: Any, value: Any) -> None:
    """Give a moto Key this key pair (imported key material)."""
    setattr(key, _ATTRIBUTE, value)


def public_der(private: Any) -> bytes:
    """The public key as DER SubjectPublicKeyInfo, as GetPublicKey returns it."""
    return bytes(private.public_key().public_bytes(serialization.Encoding.DER,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo))


def private_der(private: Any) -> bytes:
    """The private key as DER PKCS #8, as GenerateDataKeyPair returns it."""
    return bytes(private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def load_public(der: bytes) -> Any:
    """A public key from DER SubjectPublicKeyInfo, or None when the bytes are not one."""
    try:
        return serialization.load_der_public_key(der)
    except Exception:  # not DER, or not a key type this cryptography reads
        return None


def matches(private: Any, spec: str) -> bool:
    """Whether a private key is of this key spec (for imported material)."""
    if spec in RSA_BITS:
        return isinstance(private, rsa.RSAPrivateKey) and private.key_size == RSA_BITS[spec]
    if spec in CURVES:
        return isinstance(private, ec.EllipticCurvePrivateKey) and isinstance(private.curve, CURVES[spec])
    if spec == "ECC_NIST_EDWARDS25519":
        return isinstance(private, ed25519.Ed25519PrivateKey)
    return False
