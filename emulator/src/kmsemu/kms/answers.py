"""The KMS operations the layer answers itself, once a request has passed validation, key state and usage checks.

moto signs with the wrong PSS salt, hashes digests again, encrypts with AES under RSA keys and lacks the newer
key types, so every operation on an asymmetric or HMAC key is answered here; symmetric ones stay with moto.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmsemu.kms import data_key_pairs, hmac_keys, key_import, key_materials, multi_region, post_quantum, rsa_encryption, signing

Handler = Callable[[Any, Any, dict[str, Any]], "dict[str, Any] | None"]

_BY_KEY: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "Sign": signing.sign, "Verify": signing.verify, "GenerateMac": hmac_keys.generate_mac,
    "VerifyMac": hmac_keys.verify_mac,
}

extra: dict[str, Handler] = {
    "GenerateDataKeyPair": data_key_pairs.generate_data_key_pair,
    "GenerateDataKeyPairWithoutPlaintext": data_key_pairs.generate_data_key_pair_without_plaintext,
    "DeriveSharedSecret": data_key_pairs.derive_shared_secret,
    "GetParametersForImport": key_import.get_parameters_for_import,
    "ImportKeyMaterial": key_import.import_key_material,
    "DeleteImportedKeyMaterial": key_import.delete_imported_key_material,
    "ListKeyRotations": key_materials.list_rotations,
    "Encapsulate": post_quantum.encapsulate, "Decapsulate": post_quantum.decapsulate,
    "ReplicateKey": multi_region.replicate_key, "UpdatePrimaryRegion": multi_region.update_primary_region,
}
"""Further operations answered here, by name: each takes (backend, key, params) and returns the response body."""


def answer(op: str, backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """The response body for an operation answered here, or None when moto answers it."""
    if key is None:
        return None
    if op in _BY_KEY:
        return _BY_KEY[op](key, params)
    if op == "GetPublicKey":
        return signing.get_public_key(key)
    if op in ("Encrypt", "Decrypt") and rsa_encryption.is_rsa_encryption_key(key):
        return (rsa_encryption.encrypt if op == "Encrypt" else rsa_encryption.decrypt)(key, params)
    if op in extra:
        return extra[op](backend, key, params)
    return None
