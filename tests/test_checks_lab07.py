"""Lab 07's check: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from kmscourse.checks import lab07
from kmscourse.demo_keys import ensure_key
from kmscourse.errors import CourseError


def _key(course, name: str) -> str:
    return ensure_key(course, f"test07-{name}", "lab 07 test").key_id


def test_right_answers_pass(course) -> None:
    key_id = _key(course, "ok")
    kms = course.client("kms")
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    kms.rotate_key_on_demand(KeyId=key_id)
    result = lab07.check(course, key_id, 180)
    assert result.passed, str(result)


@pytest.mark.parametrize("period", [30, 3000])
def test_period_outside_the_allowed_range(course, period) -> None:
    key_id = _key(course, f"range{period}")
    result = lab07.check(course, key_id, period)
    assert result.hints()[0] == (
        f"your period_days is {period}; AWS accepts 90 to 2560 days, so EnableKeyRotation refuses it. "
        "New material at least every 180 days, as rarely as that allows, is 180."
    )
    assert "rotation is off" in result.hints()[1]


def test_rotation_never_enabled_nor_rotated(course) -> None:
    key_id = _key(course, "off")
    result = lab07.check(course, key_id, 180)
    assert result.hints() == [
        f"KMS says rotation is off for key {key_id}; call enable_key_rotation(KeyId=..., RotationPeriodInDays=...) (Exercise 1).",
        f"list_key_rotations shows no rotations for key {key_id}; call rotate_key_on_demand(KeyId=...) once (Exercise 2).",
    ]


def test_period_left_out_gives_the_default(course) -> None:
    key_id = _key(course, "default")
    kms = course.client("kms")
    kms.enable_key_rotation(KeyId=key_id)
    kms.rotate_key_on_demand(KeyId=key_id)
    assert lab07.check(course, key_id, 180).hints() == [
        "KMS reports 365 days, the default when RotationPeriodInDays is left out; call enable_key_rotation again "
        "with RotationPeriodInDays=180."
    ]


def test_other_period_in_range(course) -> None:
    key_id = _key(course, "other")
    kms = course.client("kms")
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    kms.rotate_key_on_demand(KeyId=key_id)
    assert lab07.check(course, key_id, 90).hints() == [
        "your period_days is 90: that meets the 180-day rule, but rotates more often than it requires, and the rule "
        "also says no more often than that. Rotate as rarely as the rule allows."
    ]


def test_unknown_key(course) -> None:
    result = lab07.check(course, "alias/not-a-key", 180)
    assert result.hints()[-1] == "KMS says NotFoundException for key_id 'alias/not-a-key'; use the KeyId of the lab's key (lab_key.key_id)."


def test_strict_mode_raises(course, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError, match="Lab 07"):
        lab07.check(course, _key(course, "strict"), 180)


def _rotated(course, name: str, period: int = 180) -> str:
    key_id = _key(course, name)
    kms = course.client("kms")
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=period)
    kms.rotate_key_on_demand(KeyId=key_id)
    return key_id


def test_a_string_period_is_named_as_a_string(course) -> None:
    """period_days = "180": boto3 refuses the call client-side; the hint says so rather than calling 180 out of range."""
    key_id = _key(course, "string")
    with pytest.raises(Exception, match="Invalid type for parameter RotationPeriodInDays"):
        course.client("kms").enable_key_rotation(KeyId=key_id, RotationPeriodInDays="180")
    assert lab07.check(course, key_id, "180").hints()[0] == (
        "your period_days is the string '180'; RotationPeriodInDays takes a number, so boto3 refused the call before it "
        "reached KMS (ParamValidationError). Write it without quotes, as an int."
    )


def test_an_alias_as_the_key_id_is_resolved_and_named(course) -> None:
    """KMS's rotation operations take no alias: the check says so, and still reads the key behind the alias."""
    key = ensure_key(course, "test07-alias", "lab 07 test")
    _rotated(course, "alias")
    result = lab07.check(course, key.alias, 180)
    assert result.hints() == [
        f"key_id is the alias {key.alias} of key {key.key_id}: EnableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand "
        "take a key id or key ARN, not an alias, and KMS answers NotFoundException when given one. Pass lab_key.key_id."
    ]


def test_an_alias_refused_in_the_exercise_is_named(course, monkeypatch) -> None:
    """The exercise cell passed the alias, KMS said the alias 'is not found', and the check explains why."""
    key = ensure_key(course, "test07-refused", "lab 07 test")
    with pytest.raises(ClientError) as refused:
        course.client("kms").enable_key_rotation(KeyId=key.alias, RotationPeriodInDays=180)
    monkeypatch.setattr("sys.last_value", refused.value, raising=False)
    hint = lab07.check(course, key.key_id, 180).hints()[0]
    assert hint.startswith("your EnableKeyRotation call was refused with NotFoundException ('Alias arn:aws:kms:")
    assert hint.endswith("though the alias exists: EnableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand take a key "
                         "id or key ARN, not an alias, and KMS answers NotFoundException when given one. Pass lab_key.key_id.")


def test_the_dates_kms_reported(course) -> None:
    key_id = _rotated(course, "dates")
    when = course.client("kms").get_key_rotation_status(KeyId=key_id)["NextRotationDate"]
    assert lab07.check(course, key_id, 180, when, when).passed
    later = when.replace(year=when.year + 1)
    assert lab07.check(course, key_id, 180, when, later).hints() == [
        "you recorded a different date after the on-demand rotation, but KMS still reports the date from before: an "
        "on-demand rotation does not move the automatic schedule. Read NextRotationDate again."
    ]
    assert lab07.check(course, key_id, 180, when.date().isoformat(), str(when)).passed


def test_nothing_defined_yet_names_the_steps(course) -> None:
    """The lab's check cell, `lab07.check(course)`, run before anything: no NameError, and the step to do."""
    assert lab07.check(course).hints() == ["lab_key is not defined yet: run the setup cell first (its cell defines lab_key)."]
