"""Imported material of multi-Region keys: a replica takes the primary's material, new material rotates from the primary."""
from __future__ import annotations

import os
from typing import Any

import pytest
from import_support import import_material
from resources import Resources, error_code
from test_keys_multi_region import _client, _eventually, _other_region


def _imported_pair(course: Any, kms: Any, made: Resources, material: bytes) -> tuple[str, Any]:
    """A multi-Region EXTERNAL primary with `material`, and a replica (deleted with the test) still without material."""
    key_id = made.key(Origin="EXTERNAL", MultiRegion=True)["KeyId"]
    import_material(kms, key_id, material)
    there = _client(course, _other_region(course))
    kms.replicate_key(KeyId=key_id, ReplicaRegion=_other_region(course))
    made.cleanups.append(lambda: there.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7))
    _eventually(lambda: there.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport")
    return key_id, there


def _state_of(kms: Any, key_id: str, material_id: str) -> str:
    listed = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    return str(next(m["KeyMaterialState"] for m in listed if m["KeyMaterialId"] == material_id))


@pytest.mark.behaviour("A replica of a multi-Region key with imported material takes only the primary's material")
def test_replica_takes_primary_material(course: Any, kms: Any, made: Resources) -> None:
    """KMS does not copy imported key material to replicas: a replica starts in PendingImport, and you must import the
    same key material into it; other material is refused, and with the same material the replica decrypts what the
    primary encrypted.

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-import.html
    """
    material = os.urandom(32)
    key_id, there = _imported_pair(course, kms, made, material)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"from the primary")["CiphertextBlob"]
    assert error_code(lambda: import_material(there, key_id, os.urandom(32)))
    assert there.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    import_material(there, key_id, material)
    assert there.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert there.decrypt(CiphertextBlob=blob)["Plaintext"] == b"from the primary"


@pytest.mark.behaviour("New imported material of a multi-Region key waits for every replica, then rotates them all")
def test_multi_region_imported_rotation(course: Any, kms: Any, made: Resources) -> None:
    """New key material imported into the primary (NEW_KEY_MATERIAL) is PENDING_MULTI_REGION_IMPORT_AND_ROTATION until
    every replica has imported it (EXISTING_KEY_MATERIAL); then it is PENDING_ROTATION, and RotateKeyOnDemand on the
    primary makes it current on the primary and its replicas, so new ciphertext still decrypts in either Region.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    first, second = os.urandom(32), os.urandom(32)
    key_id, there = _imported_pair(course, kms, made, first)
    import_material(there, key_id, first)
    old = kms.encrypt(KeyId=key_id, Plaintext=b"old")["CiphertextBlob"]
    new_id = import_material(kms, key_id, second, ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    assert _state_of(kms, key_id, new_id) == "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
    assert error_code(kms.rotate_key_on_demand, KeyId=key_id)
    import_material(there, key_id, second, ImportType="EXISTING_KEY_MATERIAL")
    assert _state_of(kms, key_id, new_id) == "PENDING_ROTATION"
    kms.rotate_key_on_demand(KeyId=key_id)
    for client in (kms, there):
        _eventually(lambda c=client: c.describe_key(KeyId=key_id)["KeyMetadata"].get("CurrentKeyMaterialId") == new_id, 300)
    new = kms.encrypt(KeyId=key_id, Plaintext=b"new")["CiphertextBlob"]
    assert there.decrypt(CiphertextBlob=new)["Plaintext"] == b"new"
    assert there.decrypt(CiphertextBlob=old)["Plaintext"] == b"old"
