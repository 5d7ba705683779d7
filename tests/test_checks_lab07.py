"""Lab 07's check: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import pytest

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
        "Set period_days = 180, as the lab asks."
    )
    assert "rotation is off" in result.hints()[1]


def test_rotation_never_enabled_nor_rotated(course) -> None:
    key_id = _key(course, "off")
    result = lab07.check(course, key_id, 180)
    assert result.hints() == [
        f"KMS says rotation is off for key {key_id}; call enable_key_rotation(KeyId=..., RotationPeriodInDays=180).",
        f"list_key_rotations shows no rotations for key {key_id}; call rotate_key_on_demand(KeyId=...) once.",
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
    assert lab07.check(course, key_id, 90).hints() == ["your period_days is 90; the lab asks for 180."]


def test_unknown_key(course) -> None:
    result = lab07.check(course, "alias/not-a-key", 180)
    assert result.hints()[-1] == "KMS says NotFoundException for key_id 'alias/not-a-key'; use the KeyId of the lab's key (lab_key.key_id)."


def test_strict_mode_raises(course, monkeypatch) -> None:
    monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "1")
    with pytest.raises(CourseError, match="Lab 07"):
        lab07.check(course, _key(course, "strict"), 180)
