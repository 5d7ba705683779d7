"""The key materials of an EXTERNAL key: which is current, which waits for on-demand rotation, which are imported.

https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-rotate.html
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from kmsemu import clock
from kmsemu.errors import AwsError
from kmsemu.kms.extras import extras

CURRENT, NON_CURRENT, PENDING_ROTATION = "CURRENT", "NON_CURRENT", "PENDING_ROTATION"
PENDING_REPLICAS = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
"""New material of a multi-Region primary that some replica has not imported yet."""
PENDING = (PENDING_ROTATION, PENDING_REPLICAS)
PERMANENT = (CURRENT, NON_CURRENT)
"""Materials permanently associated with the key: all must be imported for the key to be usable."""

_ATTRIBUTE = "_kmsemu_import"


@dataclass
class Material:
    """One key material of an EXTERNAL key: its id, its place in rotation, and its bytes while imported."""

    id: str
    state: str
    value: bytes | None = None
    expiration_model: str | None = None
    valid_to: dt.datetime | None = None
    description: str | None = None
    rotation_date: dt.datetime | None = None


@dataclass
class ImportState:
    """What KMS keeps about a key's imported material: wrapping parameters issued, and every material it has."""

    parameters: dict[bytes, Any] = field(default_factory=dict)
    materials: list[Material] = field(default_factory=list)

    def current(self) -> Material | None:
        """The material the key encrypts with (None before the first import)."""
        return next((m for m in self.materials if m.state == CURRENT), None)

    def pending(self) -> Material | None:
        """The new material imported for on-demand rotation, if any (waiting for replicas or not)."""
        return next((m for m in self.materials if m.state in PENDING), None)

    def find(self, material_id: str) -> Material | None:
        """The material with this KeyMaterialId, if the key has it."""
        return next((m for m in self.materials if m.id == material_id), None)


def state(key: Any) -> ImportState:
    """The import state kept on a moto Key (made on first use)."""
    found = getattr(key, _ATTRIBUTE, None)
    if found is None:
        found = ImportState()
        setattr(key, _ATTRIBUTE, found)
    return found


def peek(key: Any) -> ImportState | None:
    """The import state of a moto Key, or None when nothing was ever asked of it."""
    return getattr(key, _ATTRIBUTE, None)


def complete(found: ImportState) -> bool:
    """Whether every material permanently associated with the key is imported (so the key can be used)."""
    permanent = [m for m in found.materials if m.state in PERMANENT]
    return bool(permanent) and all(m.value is not None for m in permanent)


def sync_symmetric(key: Any, found: ImportState) -> None:
    """Point moto's key at the current material, and the decrypt fallback at the non-current ones."""
    current = found.current()
    key.key_material = current.value if current is not None and current.value is not None else os.urandom(32)
    extras(key).earlier_materials = [m.value for m in found.materials if m.state == NON_CURRENT and m.value is not None]


def settle_state(key: Any, found: ImportState) -> None:
    """Enabled once every permanent material is imported, PendingImport while one is missing (PendingDeletion stays)."""
    if complete(found):
        if key.key_state == "PendingImport":
            key.key_state, key.enabled = "Enabled", True
    elif key.key_state != "PendingDeletion":
        key.key_state, key.enabled = "PendingImport", False


def add_new(found: ImportState, material_id: str, replicated: bool = False) -> Material:
    """A NEW_KEY_MATERIAL import: the first material becomes current, a later one waits for rotation (and, on a
    multi-Region primary with replicas, for the replicas to import it)."""
    if found.find(material_id) is not None:
        raise AwsError("IncorrectKeyMaterialException", "This key material is already associated with this KMS key; "
                       "import it with ImportType EXISTING_KEY_MATERIAL.")
    if found.pending() is not None:
        raise AwsError("KMSInvalidStateException", "This KMS key already has key material in PENDING_ROTATION; "
                       "rotate to it (RotateKeyOnDemand) or delete it first.")
    material = Material(material_id, CURRENT if not found.materials else PENDING_REPLICAS if replicated else PENDING_ROTATION)
    found.materials.append(material)
    return material


def existing(found: ImportState, material_id: str, named: str | None) -> Material:
    """An EXISTING_KEY_MATERIAL import: the material must be one the key already has (and the one named, if any)."""
    material = found.find(material_id)
    if material is None or (named is not None and named != material_id):
        raise AwsError("IncorrectKeyMaterialException", "The key material does not match the key material previously "
                       "imported into this KMS key.")
    return material


def forget(found: ImportState, material: Material) -> None:
    """Delete a material's bytes; material pending rotation is not bound to the key, so it goes entirely."""
    if material.state in PENDING:
        found.materials.remove(material)
    material.value, material.expiration_model, material.valid_to = None, None, None


def rotate_to(key: Any, material_id: str) -> None:
    """Make this material current and the current one non-current."""
    found = state(key)
    chosen = found.find(material_id)
    if chosen is None:
        return
    for material in found.materials:
        if material.state == CURRENT:
            material.state = NON_CURRENT
    chosen.state, chosen.rotation_date = CURRENT, clock.now()
    sync_symmetric(key, found)


def _entry(key: Any, material: Material) -> dict[str, Any]:
    """One RotationsListEntry for an imported material."""
    entry: dict[str, Any] = {"KeyId": key.id, "KeyMaterialId": material.id,
                             "ImportState": "IMPORTED" if material.value is not None else "PENDING_IMPORT",
                             "KeyMaterialState": material.state}
    if material.description is not None:
        entry["KeyMaterialDescription"] = material.description
    if material.expiration_model is not None:
        entry["ExpirationModel"] = material.expiration_model
    if material.valid_to is not None:
        entry["ValidTo"] = material.valid_to.timestamp()
    if material.rotation_date is not None:
        entry.update(RotationDate=material.rotation_date.timestamp(), RotationType="ON_DEMAND")
    return entry


def list_rotations(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """ListKeyRotations of a symmetric EXTERNAL key: its rotations, or with ALL_KEY_MATERIAL every material.

    None for other keys, whose rotations moto lists.
    """
    if key.origin != "EXTERNAL" or key.key_spec != "SYMMETRIC_DEFAULT":
        return None
    everything = params.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    entries = [_entry(key, m) for m in state(key).materials if everything or m.rotation_date is not None]
    marker = params.get("Marker")
    start = int(marker) if marker is not None and str(marker).isdigit() else 0
    if marker is not None and not (str(marker).isdigit() and start <= len(entries)):
        raise AwsError("InvalidMarkerException", "The marker is not valid for this request.")
    limit = int(params.get("Limit") or 100)
    page = entries[start:start + limit]
    answer: dict[str, Any] = {"Rotations": page, "Truncated": start + limit < len(entries)}
    if answer["Truncated"]:
        answer["NextMarker"] = str(start + limit)
    return answer


def metadata(key: Any, found: dict[str, Any]) -> None:
    """KeyMetadata of an EXTERNAL key: expiry while its current material is imported, and CurrentKeyMaterialId."""
    imported = peek(key)
    if key.origin != "EXTERNAL" or imported is None:
        return
    current = imported.current()
    if current is not None and key.key_spec == "SYMMETRIC_DEFAULT":
        found["CurrentKeyMaterialId"] = current.id
    if current is None or current.value is None:
        return
    found["ExpirationModel"] = current.expiration_model
    expiring = [m.valid_to for m in imported.materials if m.state in PERMANENT and m.valid_to is not None]
    if expiring:
        found["ValidTo"] = min(expiring).timestamp()
