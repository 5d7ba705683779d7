"""Imported key material (Origin EXTERNAL): import parameters, import, expiry on the emulator clock, deletion.

https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kmsemu import clock
from kmsemu.errors import AwsError
from kmsemu.kms import hmac_keys, imported_replicas, key_materials, key_metadata, key_pairs
from kmsemu.kms.key_materials import state
from kmsemu.patches import replace

PARAMETERS_VALID = dt.timedelta(hours=24)
MAX_VALID_TO = dt.timedelta(days=365)
_WRAPPING_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256,
    "RSA_AES_KEY_WRAP_SHA_1": hashes.SHA1, "RSA_AES_KEY_WRAP_SHA_256": hashes.SHA256,
}


@dataclass
class ImportParameters:
    """One GetParametersForImport answer: the wrapping key pair, its algorithm and when it expires."""

    wrapping_key: rsa.RSAPrivateKey
    algorithm: str
    valid_to: dt.datetime


def has_material(key: Any) -> bool:
    """Whether the key can use its key material: always for AWS_KMS keys, for EXTERNAL ones once all is imported."""
    found = key_materials.peek(key)
    return key.origin != "EXTERNAL" or (found is not None and key_materials.complete(found))


def _external_only(key: Any) -> None:
    if key.origin != "EXTERNAL":
        raise AwsError("UnsupportedOperationException", f"{key.arn} origin is {key.origin} which is not valid for this operation.")


def get_parameters_for_import(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """GetParametersForImport: a new RSA wrapping key and an import token bound to this key, valid 24 hours."""
    _external_only(key)
    algorithm, spec = params.get("WrappingAlgorithm", ""), params.get("WrappingKeySpec", "")
    if algorithm == "RSAES_PKCS1_V1_5":
        raise AwsError("ValidationException", "As of October 10, 2023, KMS does not support the RSAES_PKCS1_V1_5 "
                       "wrapping algorithm; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.")
    if spec == "SM2" or algorithm == "SM2PKE":
        raise AwsError("ValidationException", "SM2 wrapping keys are supported only in China Regions.")
    wrapping = key_pairs.generate(spec)
    token = secrets.token_bytes(64)
    valid_to = clock.now() + PARAMETERS_VALID
    state(key).parameters[token] = ImportParameters(wrapping, algorithm, valid_to)
    return {"KeyId": key.arn, "ImportToken": base64.b64encode(token).decode(),
            "PublicKey": base64.b64encode(key_pairs.public_der(wrapping)).decode(), "ParametersValidTo": valid_to.timestamp()}


def _unwrap(found: ImportParameters, blob: bytes) -> bytes:
    """The key material from EncryptedKeyMaterial, or InvalidCiphertextException."""
    chosen = _WRAPPING_HASHES[found.algorithm]()
    oaep = padding.OAEP(mgf=padding.MGF1(chosen), algorithm=chosen, label=None)
    size = found.wrapping_key.key_size // 8
    try:
        if found.algorithm.startswith("RSAES_OAEP"):
            return bytes(found.wrapping_key.decrypt(blob, oaep))
        aes_key = found.wrapping_key.decrypt(blob[:size], oaep)  # RSA_AES_KEY_WRAP: OAEP(AES key) || KWP(material)
        return bytes(keywrap.aes_key_unwrap_with_padding(aes_key, blob[size:]))
    except (ValueError, keywrap.InvalidUnwrap):
        raise AwsError("InvalidCiphertextException", "") from None


def _expiry(params: dict[str, Any]) -> tuple[str, dt.datetime | None]:
    """ExpirationModel (default KEY_MATERIAL_EXPIRES) and ValidTo, checked as AWS checks them."""
    model = params.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    valid_to = params.get("ValidTo")
    if model == "KEY_MATERIAL_DOES_NOT_EXPIRE":
        if valid_to is not None:
            raise AwsError("ValidationException", "ValidTo is not valid when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.")
        return model, None
    if valid_to is None:
        raise AwsError("ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES")
    when = _timestamp(valid_to)
    now = clock.now()
    if when <= now or when > now + MAX_VALID_TO:
        raise AwsError("ValidationException", "ValidTo must be a future date and time, at most 365 days from now.")
    return model, when


def _timestamp(value: Any) -> dt.datetime:
    """A timestamp member as botocore sends it (epoch seconds, or ISO 8601 text)."""
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    try:
        found = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AwsError("ValidationException", f"ValidTo {value!r} is not a timestamp.") from None
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _install_material(key: Any, material: bytes) -> None:
    """Make the key use this key material, checked against what its key spec needs."""
    spec = key.key_spec
    if spec == "SYMMETRIC_DEFAULT":
        if len(material) != 32:
            raise AwsError("ValidationException", "Key material for a SYMMETRIC_DEFAULT key must be 256 bits (32 bytes).")
        key.key_material = material
    elif spec in hmac_keys.MATERIAL_BYTES:
        least, most = hmac_keys.MATERIAL_BYTES[spec]
        if not least <= len(material) <= most:
            raise AwsError("ValidationException", f"Key material for an {spec} key must be {least} to {most} bytes.")
        hmac_keys.mark_imported(key, material)
    else:
        try:
            private = serialization.load_der_private_key(material, password=None)
        except (ValueError, TypeError):
            private = None
        if private is None or not key_pairs.matches(private, spec):
            raise AwsError("ValidationException", f"The key material is not a DER-encoded PKCS #8 private key of key spec {spec}.")
        key_pairs.set_private_key(key, private)


def _symmetric_extras(key: Any, params: dict[str, Any], import_type: str) -> None:
    """ImportType NEW_KEY_MATERIAL, KeyMaterialId and KeyMaterialDescription, as AWS allows them."""
    if import_type == "NEW_KEY_MATERIAL" and params.get("KeyMaterialId") is not None:
        raise AwsError("ValidationException", "You cannot specify a KeyMaterialId with ImportType NEW_KEY_MATERIAL.")
    if import_type == "NEW_KEY_MATERIAL" and state(key).materials:
        if key.key_spec != "SYMMETRIC_DEFAULT":
            raise AwsError("UnsupportedOperationException", f"{key.arn} key spec is {key.key_spec}; only symmetric "
                           "encryption keys take new key material.")


def import_key_material(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """ImportKeyMaterial: unwrap, match against the key's materials (or add new material), and settle the key state."""
    _external_only(key)
    found = state(key)
    token = base64.b64decode(params.get("ImportToken", ""))
    chosen = found.parameters.get(token)
    if chosen is None:
        raise AwsError("InvalidImportTokenException", "The import token is not valid for this KMS key.")
    if clock.now() > chosen.valid_to:
        raise AwsError("ExpiredImportTokenException", "The import token has expired; call GetParametersForImport again.")
    model, valid_to = _expiry(params)
    material = _unwrap(chosen, base64.b64decode(params.get("EncryptedKeyMaterial", "")))
    material_id = hashlib.sha256(key.id.encode() + material).hexdigest()
    imported_replicas.mirror(key, found, material_id, params.get("ImportType"))
    import_type = params.get("ImportType") or ("EXISTING_KEY_MATERIAL" if found.materials else "NEW_KEY_MATERIAL")
    _symmetric_extras(key, params, import_type)
    if import_type == "NEW_KEY_MATERIAL" or not found.materials:
        _install_material(key, material)  # checks the material's size and kind before the key keeps any of it
        entry = key_materials.add_new(found, material_id, replicated=bool(imported_replicas.replicas_of(key)))
    else:
        entry = key_materials.existing(found, material_id, params.get("KeyMaterialId"))
        if entry.state == key_materials.CURRENT:
            _install_material(key, material)
    entry.value, entry.expiration_model, entry.valid_to = material, model, valid_to
    if params.get("KeyMaterialDescription") is not None:
        entry.description = params["KeyMaterialDescription"]
    if key.key_spec == "SYMMETRIC_DEFAULT":
        key_materials.sync_symmetric(key, found)
    key_materials.settle_state(key, found)
    imported_replicas.refresh_primary(key)
    return {"KeyId": key.arn, "KeyMaterialId": material_id}


def _delete(key: Any, entry: key_materials.Material) -> None:
    """Remove one imported material; without a permanent material the key becomes PendingImport."""
    found = state(key)
    if entry.state in key_materials.PENDING:
        for replica in imported_replicas.forget_pending(key, entry.id):  # a primary's new material goes everywhere
            key_materials.sync_symmetric(replica, state(replica))
    key_materials.forget(found, entry)
    if key.key_spec == "SYMMETRIC_DEFAULT":
        key_materials.sync_symmetric(key, found)  # what moto would use is gone; nothing can decrypt with it
    else:
        key.key_material = os.urandom(32)
        key_pairs.set_private_key(key, None)
    key_materials.settle_state(key, found)
    imported_replicas.refresh_primary(key)


def delete_imported_key_material(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """DeleteImportedKeyMaterial: the material named by KeyMaterialId, or the current one."""
    _external_only(key)
    found = state(key)
    named = params.get("KeyMaterialId")
    entry = found.find(named) if named is not None else found.current()
    if named is not None and entry is None:
        raise AwsError("NotFoundException", f"Key material {named} is not associated with {key.arn}.")
    if entry is not None:
        _delete(key, entry)
    else:
        key_materials.settle_state(key, found)
    return {"KeyId": key.arn, "KeyMaterialId": entry.id if entry is not None else ""}


def sweep(backends: Any, now: dt.datetime | None = None) -> int:
    """Delete imported key material whose ValidTo has passed on the emulator clock; return how many keys lost some."""
    now = now or clock.now()
    gone = 0
    for backend in backends:
        for key in list(backend.keys.values()):
            found = key_materials.peek(key)
            due = [m for m in found.materials if m.value is not None and m.valid_to is not None
                   and m.valid_to <= now] if found is not None else []
            for entry in due:
                _delete(key, entry)
            gone += bool(due)
    return gone


def _pending_import(original: Any) -> Any:
    def create_key(self: Any, *args: Any, **kwargs: Any) -> Any:
        key = original(self, *args, **kwargs)
        if key.origin == "EXTERNAL":  # a key for imported material starts without any
            key.key_state, key.enabled = "PendingImport", False
        return key

    return create_key


def install() -> None:
    """New EXTERNAL keys start PendingImport (moto.kms.models.KmsBackend.create_key), and KeyMetadata shows the expiry."""
    from moto.kms.models import KmsBackend

    replace(KmsBackend, "create_key", _pending_import)
    if key_materials.metadata not in key_metadata.extra_metadata:
        key_metadata.extra_metadata.append(key_materials.metadata)
