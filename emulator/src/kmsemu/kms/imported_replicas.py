"""Imported material of multi-Region keys: each replica imports the primary's material, rotation starts on the primary.

https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-import.html
https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.errors import AwsError
from kmsemu.kms import key_materials, multi_region
from kmsemu.kms.key_materials import PENDING, PENDING_REPLICAS, PENDING_ROTATION, ImportState, Material, state


def primary_of(key: Any) -> Any | None:
    """The primary key of a replica; None for a primary or a single-Region key."""
    found = multi_region.key_set(key)
    if found is None or found.primary == key.region:
        return None
    return next((k for k in multi_region.members(key) if k.region == found.primary), None)


def replicas_of(key: Any) -> list[Any]:
    """The replicas of a multi-Region primary; [] for a replica or a single-Region key."""
    found = multi_region.key_set(key)
    if found is None or found.primary != key.region:
        return []
    return [k for k in multi_region.members(key) if k is not key]


def mirror(key: Any, found: ImportState, importing: str, explicit_type: str | None) -> None:
    """Before a replica imports: it must be the primary's material, and the replica knows all the primary's materials.

    Each of the primary's materials is listed on the replica (PENDING_IMPORT until imported), in the primary's state;
    new material pending on the primary appears on a replica when the replica imports it.
    """
    primary = primary_of(key)
    theirs = state(primary).materials if primary is not None else []
    if not theirs:
        return  # nothing imported into the primary yet: the replica's first import stands on its own
    if explicit_type == "NEW_KEY_MATERIAL":
        raise AwsError("UnsupportedOperationException", f"{key.arn} is a multi-Region replica key; import new key "
                       "material into its primary key, then the same material into each replica.")
    if not any(m.id == importing for m in theirs):
        raise AwsError("IncorrectKeyMaterialException", "The key material does not match the key material imported "
                       "into the primary key of this multi-Region key.")
    mine = {m.id: m for m in found.materials}
    ordered = []
    for material in theirs:
        entry = mine.pop(material.id, None)
        if entry is None and (material.state not in PENDING or material.id == importing):
            entry = Material(material.id, material.state, rotation_date=material.rotation_date)
        if entry is not None:
            entry.state = PENDING_ROTATION if material.state in PENDING else material.state
            ordered.append(entry)
    found.materials = ordered + list(mine.values())


def refresh_primary(key: Any) -> None:
    """A primary's new material is PENDING_ROTATION once every replica has imported it, else PENDING_MULTI_REGION_..."""
    primary = primary_of(key) or key
    pending = state(primary).pending()
    if pending is None:
        return
    ready = all((m := state(replica).find(pending.id)) is not None and m.value is not None for replica in replicas_of(primary))
    pending.state = PENDING_ROTATION if ready else PENDING_REPLICAS


def forget_pending(key: Any, material_id: str) -> list[Any]:
    """Deleting a primary's pending material deletes it from the replicas too; return the replicas changed."""
    changed = []
    for replica in replicas_of(key):
        found = state(replica)
        entry = found.find(material_id)
        if entry is not None:
            key_materials.forget(found, entry)
            changed.append(replica)
    return changed


def rotate_on_demand(key: Any) -> None:
    """RotateKeyOnDemand of a key with imported material: its pending material becomes current, on every replica too."""
    refresh_primary(key)
    pending = state(key).pending()
    if pending is None or pending.state != PENDING_ROTATION:
        raise AwsError("KMSInvalidStateException", f"{key.arn} has no key material in PENDING_ROTATION; import new "
                       "key material (ImportType NEW_KEY_MATERIAL), and the same into every replica, first.")
    for member in [key, *replicas_of(key)]:
        key_materials.rotate_to(member, pending.id)
