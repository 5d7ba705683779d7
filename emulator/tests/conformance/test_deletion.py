"""Deleting keys: the 7-30 day waiting period, and what is left once it passes."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from backend import BackendError
from resources import Resources, backend_now, error_code


@pytest.mark.behaviour("ScheduleKeyDeletion refuses a waiting period of {days} days")
@pytest.mark.parametrize("days", [6, 31])
def test_window_outside_7_to_30(kms: Any, made: Resources, days: int) -> None:
    """The waiting period must be 7 to 30 days; other values give ValidationException.

    https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
    """
    key_id = made.key()["KeyId"]
    assert error_code(kms.schedule_key_deletion, KeyId=key_id, PendingWindowInDays=days) == "ValidationException"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.behaviour("ScheduleKeyDeletion reports the key ARN and DeletionDate")
def test_schedule_reports_deletion_date(course: Any, kms: Any, made: Resources) -> None:
    """ScheduleKeyDeletion returns the key ARN, PendingDeletion and a DeletionDate at the end of the window.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
    """
    meta = made.key()
    answer = kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)
    assert answer["KeyId"] == meta["Arn"]
    assert answer["KeyState"] == "PendingDeletion"
    assert answer["PendingWindowInDays"] == 7
    described = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]
    assert described["DeletionDate"] == answer["DeletionDate"]
    wait = answer["DeletionDate"] - backend_now(course)
    assert dt.timedelta(days=6, hours=23) < wait <= dt.timedelta(days=8)  # AWS may round the date up


@pytest.mark.behaviour("Default deletion waiting period is 30 days")
def test_default_window(kms: Any, made: Resources) -> None:
    """Without PendingWindowInDays the waiting period is 30 days.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
    """
    key_id = made.key()["KeyId"]
    answer = kms.schedule_key_deletion(KeyId=key_id)
    assert answer["PendingWindowInDays"] == 30
    made.cleanups.append(lambda: kms.cancel_key_deletion(KeyId=key_id))  # so the 7-day cleanup can reschedule


@pytest.mark.emulator_only("needs the emulator clock to pass the waiting period")
@pytest.mark.behaviour("A key is gone once its deletion date passes")
def test_key_gone_after_window(course: Any, kms: Any, made: Resources) -> None:
    """When the waiting period ends KMS deletes the key: NotFoundException, and its aliases are gone.

    https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
    """
    key_id = made.key()["KeyId"]
    alias = made.alias(key_id)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    course.advance_clock(days=6)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    course.advance_clock(days=1, hours=1)
    assert error_code(kms.describe_key, KeyId=key_id) == "NotFoundException"
    assert error_code(kms.encrypt, KeyId=alias, Plaintext=b"x") == "NotFoundException"
    assert alias not in [a["AliasName"] for a in kms.list_aliases()["Aliases"]]


@pytest.mark.emulator_only("needs the emulator clock to pass the waiting period")
@pytest.mark.behaviour("Ciphertext of a deleted key can never be decrypted")
def test_ciphertext_unrecoverable(course: Any, kms: Any, made: Resources) -> None:
    """After deletion, data encrypted under the key cannot be decrypted (AccessDeniedException: the key no longer exists).

    https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
    """
    key_id = made.key()["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"lost")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    course.advance_clock(days=8)
    assert error_code(kms.decrypt, CiphertextBlob=blob) == "AccessDeniedException"


@pytest.mark.aws_only("a real account keeps real time; the emulator has a clock to advance instead")
def test_advance_clock_refused_on_aws(course: Any) -> None:
    """On a real account advance_clock raises BackendError saying it works only on the emulator."""
    with pytest.raises(BackendError, match="only on the emulator"):
        course.advance_clock(days=8)
