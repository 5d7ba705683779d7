"""On-demand rotation of imported key material: new material pending rotation, RotateKeyOnDemand, the materials listed."""
from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from import_support import import_material
from resources import Resources, backend_now, error_code
from test_keys_multi_region import _eventually


def _materials(kms: Any, key_id: str) -> list[dict[str, Any]]:
    """ListKeyRotations with IncludeKeyMaterial ALL_KEY_MATERIAL: every key material of the key."""
    found: list[dict[str, Any]] = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    return found


def _rotated_key(kms: Any, made: Resources) -> tuple[str, str, str, bytes]:
    """An EXTERNAL key rotated once on demand: (key id, first material id, second material id, first ciphertext)."""
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    first = import_material(kms, key_id, os.urandom(32))["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"first")["CiphertextBlob"]
    second = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    kms.rotate_key_on_demand(KeyId=key_id)
    _rotated_to(kms, key_id, second)
    return key_id, first, second, blob


def _rotated_to(kms: Any, key_id: str, material_id: str) -> None:
    """Wait until the material is current: on AWS an on-demand rotation runs in the background."""
    _eventually(lambda: kms.describe_key(KeyId=key_id)["KeyMetadata"].get("CurrentKeyMaterialId") == material_id, 300)


@pytest.mark.behaviour("New imported key material (ImportType NEW_KEY_MATERIAL) waits in PENDING_ROTATION")
def test_new_material_pending_rotation(kms: Any, made: Resources) -> None:
    """ImportKeyMaterial with ImportType NEW_KEY_MATERIAL into a symmetric EXTERNAL key that has key material adds new
    material with its own KeyMaterialId, in KeyMaterialState PENDING_ROTATION: the key keeps its current material
    (DescribeKey's CurrentKeyMaterialId), ListKeyRotations lists no rotation, and with ALL_KEY_MATERIAL it lists both
    materials (IMPORTED), without RotationDate or RotationType.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-rotate.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    first = import_material(kms, key_id, os.urandom(32))["KeyMaterialId"]
    second = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    assert first != second
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["CurrentKeyMaterialId"]) == ("Enabled", first)
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []
    found = {m["KeyMaterialId"]: m for m in _materials(kms, key_id)}
    assert {k: (m["KeyMaterialState"], m["ImportState"]) for k, m in found.items()} == {
        first: ("CURRENT", "IMPORTED"), second: ("PENDING_ROTATION", "IMPORTED")}
    assert not any("RotationDate" in m or "RotationType" in m for m in found.values())


@pytest.mark.behaviour("RotateKeyOnDemand makes imported material current; old ciphertexts still decrypt")
def test_rotate_to_imported_material(kms: Any, made: Resources) -> None:
    """RotateKeyOnDemand on a symmetric EXTERNAL key makes the material PENDING_ROTATION current (CurrentKeyMaterialId);
    the earlier material becomes NON_CURRENT and still decrypts what it encrypted; ListKeyRotations lists the rotation
    with RotationType ON_DEMAND, the new KeyMaterialId, KeyMaterialState CURRENT, ImportState IMPORTED and its
    ExpirationModel.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
    """
    key_id, first, second, blob = _rotated_key(kms, made)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"] == second
    (rotation,) = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert (rotation["RotationType"], rotation["KeyMaterialId"], rotation["KeyMaterialState"]) == ("ON_DEMAND", second, "CURRENT")
    assert (rotation["ImportState"], rotation["ExpirationModel"]) == ("IMPORTED", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert "RotationDate" in rotation
    states = {m["KeyMaterialId"]: m["KeyMaterialState"] for m in _materials(kms, key_id)}
    assert states == {first: "NON_CURRENT", second: "CURRENT"}
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"first"
    after = kms.encrypt(KeyId=key_id, Plaintext=b"second")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=after)["Plaintext"] == b"second"


@pytest.mark.emulator_only("key material is not observable on AWS; this reads the emulator's key to see which is used")
@pytest.mark.behaviour("After RotateKeyOnDemand an imported key encrypts with the new imported material")
def test_rotated_material_is_used(course: Any, kms: Any, made: Resources) -> None:
    """New ciphertexts are made with the current key material, which after the rotation is the one imported last.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-rotate.html
    """
    from moto.kms.models import kms_backends

    meta = made.key(Origin="EXTERNAL")
    import_material(kms, meta["KeyId"], os.urandom(32))
    new = os.urandom(32)
    import_material(kms, meta["KeyId"], new, ImportType="NEW_KEY_MATERIAL")
    key = kms_backends[meta["AWSAccountId"]][meta["Arn"].split(":")[3]].keys[meta["KeyId"]]
    assert key.key_material != new
    kms.rotate_key_on_demand(KeyId=meta["KeyId"])
    assert key.key_material == new


@pytest.mark.behaviour("RotateKeyOnDemand of an imported key needs new material pending rotation")
def test_rotate_needs_pending_material(kms: Any, made: Resources) -> None:
    """To rotate a key with imported key material on demand you must first import new key material, whose state must
    be PENDING_ROTATION; without it RotateKeyOnDemand fails and nothing rotates.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    import_material(kms, key_id, os.urandom(32))
    assert error_code(kms.rotate_key_on_demand, KeyId=key_id)
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []


@pytest.mark.behaviour("Deleting any permanently associated imported material makes the key PendingImport")
def test_every_material_must_be_imported(kms: Any, made: Resources) -> None:
    """A key with imported material is usable only while all key material permanently associated with it is imported:
    deleting the NON_CURRENT material (DeleteImportedKeyMaterial with its KeyMaterialId) makes it PendingImport and that
    material PENDING_IMPORT; reimporting it (EXISTING_KEY_MATERIAL, KeyMaterialId) makes the key Enabled again.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html
    """
    key_id, first, second, blob = _rotated_key(kms, made)
    assert kms.delete_imported_key_material(KeyId=key_id, KeyMaterialId=first)["KeyMaterialId"] == first
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert {m["KeyMaterialId"]: m["ImportState"] for m in _materials(kms, key_id)} == {
        first: "PENDING_IMPORT", second: "IMPORTED"}
    assert error_code(kms.encrypt, KeyId=key_id, Plaintext=b"x") == "KMSInvalidStateException"


@pytest.mark.behaviour("Reimporting deleted non-current material (EXISTING_KEY_MATERIAL) restores the key")
def test_reimport_non_current_material(kms: Any, made: Resources) -> None:
    """Reimporting the same key material with ImportType EXISTING_KEY_MATERIAL and its KeyMaterialId restores it; once
    every associated material is imported the key is Enabled and ciphertexts of the old material decrypt again.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    material = os.urandom(32)
    first = import_material(kms, key_id, material)["KeyMaterialId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"old")["CiphertextBlob"]
    second = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    kms.rotate_key_on_demand(KeyId=key_id)
    _rotated_to(kms, key_id, second)
    kms.delete_imported_key_material(KeyId=key_id, KeyMaterialId=first)
    again = import_material(kms, key_id, material, ImportType="EXISTING_KEY_MATERIAL", KeyMaterialId=first)
    assert again["KeyMaterialId"] == first
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"old"


@pytest.mark.behaviour("Material pending rotation can be deleted and other material imported in its place")
def test_replace_pending_material(kms: Any, made: Resources) -> None:
    """Key material in PENDING_ROTATION is not permanently associated with the key: deleting it leaves the key Enabled
    and removes it from the list, and different new key material can be imported in its place.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_RotationsListEntry.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    first = import_material(kms, key_id, os.urandom(32))["KeyMaterialId"]
    pending = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    kms.delete_imported_key_material(KeyId=key_id, KeyMaterialId=pending)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert [m["KeyMaterialId"] for m in _materials(kms, key_id)] == [first]
    other = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    assert {m["KeyMaterialId"]: m["KeyMaterialState"] for m in _materials(kms, key_id)} == {
        first: "CURRENT", other: "PENDING_ROTATION"}


@pytest.mark.behaviour("ListKeyRotations shows an imported material's ExpirationModel and ValidTo")
def test_listed_expiry(course: Any, kms: Any, made: Resources) -> None:
    """Each entry for imported material carries its ExpirationModel, and ValidTo when the material expires.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_RotationsListEntry.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    valid_to = (backend_now(course) + dt.timedelta(days=30)).replace(microsecond=0)
    import_material(kms, key_id, os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    (entry,) = _materials(kms, key_id)
    assert entry["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs((entry["ValidTo"] - valid_to).total_seconds()) < 2


@pytest.mark.behaviour("ImportType NEW_KEY_MATERIAL does not take a KeyMaterialId")
def test_new_material_takes_no_id(raw_kms: Any, made: Resources) -> None:
    """You cannot specify a key material ID with ImportType set to NEW_KEY_MATERIAL: the request is refused.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    first = import_material(raw_kms, key_id, os.urandom(32))["KeyMaterialId"]
    assert error_code(lambda: import_material(raw_kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                                              KeyMaterialId=first))
    assert [m["KeyMaterialId"] for m in _materials(raw_kms, key_id)] == [first]


@pytest.mark.behaviour("HMAC and asymmetric keys take no new imported key material")
def test_hmac_takes_one_material(kms: Any, made: Resources) -> None:
    """For asymmetric and HMAC keys you cannot change the key material after the initial import: an import of new key
    material into an HMAC key that has material is refused.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html
    """
    key_id = made.key(Origin="EXTERNAL", KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    import_material(kms, key_id, os.urandom(32))
    assert error_code(lambda: import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL"))


@pytest.mark.behaviour("Keys with imported material still cannot rotate automatically after an on-demand rotation")
def test_still_no_automatic_rotation(kms: Any, made: Resources) -> None:
    """Imported keys rotate on demand only; EnableKeyRotation stays UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-rotate.html
    """
    key_id = _rotated_key(kms, made)[0]
    assert error_code(kms.enable_key_rotation, KeyId=key_id) == "UnsupportedOperationException"


@pytest.mark.emulator_only("needs the emulator clock to reach the material's ValidTo")
@pytest.mark.behaviour("Non-current imported material that expires makes the key PendingImport")
def test_non_current_material_expires(course: Any, kms: Any, made: Resources) -> None:
    """Every imported material keeps its own expiry: when material that is no longer current reaches its ValidTo, KMS
    deletes it and the key, which needs all its materials, becomes PendingImport.

    https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-rotate.html
    """
    key_id = made.key(Origin="EXTERNAL")["KeyId"]
    first = import_material(kms, key_id, os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES",
                            ValidTo=backend_now(course) + dt.timedelta(days=2))["KeyMaterialId"]
    second = import_material(kms, key_id, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    kms.rotate_key_on_demand(KeyId=key_id)
    _rotated_to(kms, key_id, second)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    course.advance_clock(days=3)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    assert {m["KeyMaterialId"]: m["ImportState"] for m in _materials(kms, key_id)}[first] == "PENDING_IMPORT"
