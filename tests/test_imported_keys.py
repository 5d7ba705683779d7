"""imported_keys' rotation helpers: a fresh key per run, the materials table, and waiting for a rotation."""
from __future__ import annotations

import os

import pytest

from kmscourse import imported_keys
from kmscourse.errors import CourseError


def test_fresh_key_retires_the_previous_one(course) -> None:
    """Each call makes a new EXTERNAL key behind the alias and schedules the deletion of the one it replaced."""
    kms = course.client("kms")
    first = imported_keys.fresh_external_key(course, "test-fresh", "imported_keys test")
    second = imported_keys.fresh_external_key(course, "test-fresh", "imported_keys test")
    assert first.key_id != second.key_id
    assert kms.describe_key(KeyId=first.key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert kms.describe_key(KeyId=second.alias)["KeyMetadata"]["KeyId"] == second.key_id


def test_materials_table_and_waiting(course) -> None:
    """The table names each material by its file, in the order given; waiting for a material never made current fails
    with one sentence."""
    kms = course.client("kms")
    key = imported_keys.fresh_external_key(course, "test-table", "imported_keys test")
    first = imported_keys.import_material(kms, key.key_id, os.urandom(32))["KeyMaterialId"]
    second = imported_keys.import_material(kms, key.key_id, os.urandom(32), import_type="NEW_KEY_MATERIAL")["KeyMaterialId"]
    table = imported_keys.materials_table(kms, key.key_id, {second: "two.bin", first: "one.bin"})
    assert table.splitlines()[2:] == ["| two.bin | PENDING_ROTATION | IMPORTED | - |", "| one.bin | CURRENT | IMPORTED | - |"]
    with pytest.raises(CourseError, match="did not finish"):
        imported_keys.wait_until_current(kms, key.key_id, second, timeout=0)
    kms.rotate_key_on_demand(KeyId=key.key_id)
    imported_keys.wait_until_current(kms, key.key_id, second, timeout=0)
