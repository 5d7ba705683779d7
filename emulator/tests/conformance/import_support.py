"""The conformance suite's helpers for imported key material: import parameters, wrapping and one import."""
from __future__ import annotations

import os
from typing import Any

from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding

OAEP_256 = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def parameters(kms: Any, key_id: str, algorithm: str = "RSAES_OAEP_SHA_256", spec: str = "RSA_2048") -> dict[str, Any]:
    """GetParametersForImport: a wrapping public key and an import token for this key."""
    found: dict[str, Any] = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec)
    return found


def wrap(issued: dict[str, Any], material: bytes, algorithm: str = "RSAES_OAEP_SHA_256") -> bytes:
    """Encrypt key material for import as AWS documents each wrapping algorithm."""
    public = serialization.load_der_public_key(issued["PublicKey"])
    if algorithm == "RSAES_OAEP_SHA_256":
        return bytes(public.encrypt(material, OAEP_256))
    aes_key = os.urandom(32)  # RSA_AES_KEY_WRAP_SHA_256: OAEP-wrapped AES key, then the material under AES-KWP
    return bytes(public.encrypt(aes_key, OAEP_256)) + keywrap.aes_key_wrap_with_padding(aes_key, material)


def import_material(kms: Any, key_id: str, material: bytes, **options: Any) -> dict[str, Any]:
    """GetParametersForImport, wrap, ImportKeyMaterial (material that does not expire unless `options` say so)."""
    issued = parameters(kms, key_id)
    options.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    found: dict[str, Any] = kms.import_key_material(KeyId=key_id, ImportToken=issued["ImportToken"],
                                                    EncryptedKeyMaterial=wrap(issued, material), **options)
    return found
