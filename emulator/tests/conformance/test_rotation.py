"""Key rotation: rotation periods, on-demand rotation with new key material, and automatic rotation."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from resources import Resources, backend_now, error_code


@pytest.mark.behaviour("EnableKeyRotation takes RotationPeriodInDays; GetKeyRotationStatus reports it and NextRotationDate")
def test_rotation_period_reported(course: Any, kms: Any, made: Resources) -> None:
    """EnableKeyRotation accepts RotationPeriodInDays; GetKeyRotationStatus returns it with NextRotationDate.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html
    """
    key_id = made.key()["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True
    assert status["RotationPeriodInDays"] == 180
    until_next = status["NextRotationDate"] - backend_now(course)
    assert dt.timedelta(days=179) < until_next <= dt.timedelta(days=180, hours=1)
    kms.disable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False


@pytest.mark.behaviour("RotationPeriodInDays outside 90-2560 gives ValidationException")
@pytest.mark.parametrize("days", [89, 2561])
def test_rotation_period_bounds(raw_kms: Any, made: Resources, days: int) -> None:
    """The rotation period must be 90 to 2560 days; other values give ValidationException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
    """
    key_id = made.key()["KeyId"]
    assert error_code(raw_kms.enable_key_rotation, KeyId=key_id, RotationPeriodInDays=days) == "ValidationException"


@pytest.mark.behaviour("RotateKeyOnDemand: old ciphertext still decrypts, new ciphertext too, ListKeyRotations lists it")
def test_on_demand_rotation(kms: Any, made: Resources) -> None:
    """On-demand rotation creates new key material; data encrypted before still decrypts, and the rotation is listed.

    https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-on-demand.html
    """
    meta = made.key()
    before = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"before")["CiphertextBlob"]
    assert kms.rotate_key_on_demand(KeyId=meta["Arn"])["KeyId"] in (meta["KeyId"], meta["Arn"])
    after = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=after)["Plaintext"] == b"after"
    rotations = kms.list_key_rotations(KeyId=meta["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    assert rotations[0]["KeyId"] in (meta["KeyId"], meta["Arn"])


@pytest.mark.emulator_only("key material is not observable on AWS; this reads the emulator's key to prove new material is used")
@pytest.mark.behaviour("RotateKeyOnDemand makes new key material that new ciphertext uses")
def test_new_material_is_used(kms: Any, made: Resources) -> None:
    """After rotation, new ciphertext is made with the new key material (not the old with a new label).

    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
    """
    from moto.kms.exceptions import InvalidCiphertextException
    from moto.kms.models import kms_backends
    from moto.kms.utils import decrypt

    meta = made.key()
    key = kms_backends[meta["AWSAccountId"]][meta["Arn"].split(":")[3]].keys[meta["KeyId"]]
    old_material = key.key_material
    kms.rotate_key_on_demand(KeyId=meta["KeyId"])
    assert key.key_material != old_material
    blob = kms.encrypt(KeyId=meta["KeyId"], Plaintext=b"new")["CiphertextBlob"]

    class OldKey:
        key_material = old_material

    with pytest.raises(InvalidCiphertextException):
        decrypt({meta["KeyId"]: OldKey()}, blob, {})


@pytest.mark.emulator_only("needs the emulator clock to reach the next rotation date")
@pytest.mark.behaviour("Automatic rotation happens when the rotation date passes")
def test_automatic_rotation(course: Any, kms: Any, made: Resources) -> None:
    """With rotation enabled, KMS rotates the key material on NextRotationDate; old ciphertext still decrypts.

    https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-enable.html
    """
    key_id = made.key()["KeyId"]
    before = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    first = kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"]
    course.advance_clock(days=89)
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []
    course.advance_clock(days=2)
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    assert kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"] - first == dt.timedelta(days=90)
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"before"


@pytest.mark.behaviour("Asymmetric keys cannot be rotated")
def test_asymmetric_not_rotatable(kms: Any, made: Resources) -> None:
    """Automatic and on-demand rotation are for symmetric encryption keys only: UnsupportedOperationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
    """
    key_id = made.key(KeyUsage="SIGN_VERIFY", KeySpec="ECC_NIST_P256")["KeyId"]
    assert error_code(kms.enable_key_rotation, KeyId=key_id) == "UnsupportedOperationException"
    assert error_code(kms.rotate_key_on_demand, KeyId=key_id) == "UnsupportedOperationException"
