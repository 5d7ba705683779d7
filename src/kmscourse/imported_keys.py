"""Keys with imported key material (lesson 14): an EXTERNAL key found by alias, the material file, wrapping, import, rotation.

The key material is the learner's to keep: it lives in a file under `work/`, and a key whose material file is
lost can never be used again, so `ensure_external_key` retires such a key and makes a new one.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .course import Course
from .demo_keys import DemoKey, alias_for, described, point_alias
from .errors import CourseError
from .show import markdown_table

WRAPPING_ALGORITHM = "RSAES_OAEP_SHA_256"
"""The wrapping algorithm the course uses: RSA OAEP with SHA-256 for both the hash and MGF1."""

WRAPPING_KEY_SPEC = "RSA_2048"
"""The wrapping key the course asks KMS for."""

MATERIAL_BYTES = 32
"""A SYMMETRIC_DEFAULT key takes 256 bits of key material."""


def now(course: Course) -> dt.datetime:
    """Now as KMS sees it: the emulator's clock (which lessons move forward), or real time on AWS."""
    if course.emulator is not None:
        return course.emulator.now()  # type: ignore[no-any-return]
    return dt.datetime.now(dt.UTC)


def load_or_create_material(path: Path) -> bytes:
    """The 32 bytes of key material kept in `path`, made (with os.urandom) and saved there when the file is missing."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    material = os.urandom(MATERIAL_BYTES)
    path.write_bytes(material)
    path.chmod(0o600)
    return material


def wrap(public_key_der: bytes, material: bytes) -> bytes:
    """Encrypt key material with KMS's wrapping public key (DER), as RSAES_OAEP_SHA_256 wants."""
    public = serialization.load_der_public_key(public_key_der)
    assert isinstance(public, rsa.RSAPublicKey)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return public.encrypt(material, oaep)


def import_material(kms: Any, key_id: str, material: bytes, valid_to: dt.datetime | None = None,
                    import_type: str | None = None) -> dict[str, Any]:
    """GetParametersForImport, wrap, ImportKeyMaterial: expiring at `valid_to`, or never when it is None.

    `import_type="NEW_KEY_MATERIAL"` adds new material to a key that has some, for an on-demand rotation.
    """
    parameters = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=WRAPPING_ALGORITHM,
                                               WrappingKeySpec=WRAPPING_KEY_SPEC)
    options: dict[str, Any] = ({"ExpirationModel": "KEY_MATERIAL_EXPIRES", "ValidTo": valid_to} if valid_to is not None
                               else {"ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
    if import_type is not None:
        options["ImportType"] = import_type
    answer: dict[str, Any] = kms.import_key_material(
        KeyId=key_id, ImportToken=parameters["ImportToken"],
        EncryptedKeyMaterial=wrap(parameters["PublicKey"], material), **options)
    return answer


def wait_until_current(kms: Any, key_id: str, material_id: str, timeout: float = 300.0) -> None:
    """Wait until `material_id` is the key's current material: on AWS an on-demand rotation runs in the background."""
    deadline = time.monotonic() + timeout
    while kms.describe_key(KeyId=key_id)["KeyMetadata"].get("CurrentKeyMaterialId") != material_id:
        if time.monotonic() > deadline:
            raise CourseError(f"the rotation of {key_id} to new key material did not finish within {timeout:.0f} seconds; "
                              "run this cell again in a minute")
        time.sleep(3)


def materials_table(kms: Any, key_id: str, names: dict[str, str]) -> str:
    """The key's materials (ListKeyRotations with ALL_KEY_MATERIAL) as a markdown table, named and ordered by `names`."""
    listed = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    found = {entry["KeyMaterialId"]: entry for entry in listed}
    rows = [(name, found[material_id]["KeyMaterialState"], found[material_id].get("ImportState", "-"),
             found[material_id].get("RotationType", "-"))
            for material_id, name in names.items() if material_id in found]
    return markdown_table(("Material", "KeyMaterialState", "ImportState", "RotationType"), rows)


def _usable(kms: Any, key_id: str) -> str:
    """The key's state once revived from a scheduled deletion or a disable ('Missing' when it is gone)."""
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError:
        return "Missing"
    state = str(meta["KeyState"])
    if meta.get("Origin") != "EXTERNAL":
        return "NotExternal"
    if state == "PendingDeletion":
        kms.cancel_key_deletion(KeyId=key_id)
        state = str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])
    if state == "Disabled":
        kms.enable_key(KeyId=key_id)
        state = "Enabled"
    return state


def fresh_external_key(course: Course, suffix: str, description: str) -> DemoKey:
    """A new EXTERNAL key behind `alias/kmscourse-<learner>-<suffix>`; the key it pointed at before is scheduled for deletion.

    A key whose materials were rotated needs all of them imported again, so a demonstration that rotates starts
    each run from a new key rather than reusing the old one.
    """
    kms = course.client("kms")
    alias = alias_for(course, suffix)
    old = described(course, alias)
    if old is not None and old["KeyState"] not in ("PendingDeletion", "PendingReplicaDeletion"):
        kms.schedule_key_deletion(KeyId=old["KeyId"], PendingWindowInDays=7)
    key_id = kms.create_key(Description=f"kmscourse {description}", Origin="EXTERNAL",
                            Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
    point_alias(course, alias, key_id)
    return DemoKey(key_id, kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"], alias)


def ensure_external_key(course: Course, suffix: str, description: str, material_file: Path) -> DemoKey:
    """The EXTERNAL key behind `alias/kmscourse-<learner>-<suffix>`, in PendingImport, ready for the material in `material_file`.

    A key left with material by an earlier run loses it (DeleteImportedKeyMaterial), so every run starts from
    PendingImport. A key whose material file is gone can never take material again: its deletion is scheduled and a
    new key (tagged) takes the alias.
    """
    kms = course.client("kms")
    alias = alias_for(course, suffix)
    try:
        key_id: str | None = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
    except ClientError:
        key_id = None
    if key_id is not None:
        state = _usable(kms, key_id)
        if state not in ("Enabled", "PendingImport") or not material_file.exists():
            if state in ("Enabled", "PendingImport"):
                kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
            key_id = None
        elif state == "Enabled":
            kms.delete_imported_key_material(KeyId=key_id)
    if key_id is None:
        key_id = kms.create_key(Description=f"kmscourse {description}", Origin="EXTERNAL",
                                Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
        point_alias(course, alias, key_id)
    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    return DemoKey(key_id, arn, alias)
