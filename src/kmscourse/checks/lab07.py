"""Lab 07: turn on automatic rotation with a given period, and rotate once on demand."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from .result import CheckResult

MIN_PERIOD, MAX_PERIOD = 90, 2560
"""The rotation periods AWS accepts, in days."""

LAB_PERIOD = 180
"""The period the lab asks for."""


def check(course: Course, key_id: Any, period_days: Any) -> CheckResult:
    """Rotation must be on with `period_days` (the lab's 180), and at least one rotation must be listed."""
    result = CheckResult("Lab 07")
    kms = course.client("kms")
    in_range = isinstance(period_days, int) and MIN_PERIOD <= period_days <= MAX_PERIOD
    result.add(
        f"the rotation period is {LAB_PERIOD} days, within {MIN_PERIOD}-{MAX_PERIOD}",
        in_range and period_days == LAB_PERIOD,
        f"your period_days is {period_days!r}; AWS accepts {MIN_PERIOD} to {MAX_PERIOD} days, so EnableKeyRotation "
        f"refuses it. Set period_days = {LAB_PERIOD}, as the lab asks."
        if not in_range else f"your period_days is {period_days}; the lab asks for {LAB_PERIOD}.",
    )
    try:
        status = kms.get_key_rotation_status(KeyId=str(key_id))
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        result.add("the key exists", False, f"KMS says {code} for key_id {key_id!r}; use the KeyId of the lab's key (lab_key.key_id).")
        return result.finish()
    enabled = bool(status.get("KeyRotationEnabled"))
    result.add(
        "automatic rotation is enabled",
        enabled,
        f"KMS says rotation is off for key {key_id}; call enable_key_rotation(KeyId=..., RotationPeriodInDays={LAB_PERIOD}).",
    )
    if enabled:
        actual = status.get("RotationPeriodInDays")
        hint = f"KMS reports a period of {actual} days, but you meant {period_days}; call enable_key_rotation again with RotationPeriodInDays={period_days}."
        if actual == 365 and period_days != 365:
            hint = (f"KMS reports 365 days, the default when RotationPeriodInDays is left out; call enable_key_rotation "
                    f"again with RotationPeriodInDays={period_days}.")
        result.add(f"KMS reports the rotation period as {period_days} days", actual == period_days, hint)
    rotations = kms.list_key_rotations(KeyId=str(key_id)).get("Rotations", [])
    result.add(
        "at least one rotation is listed",
        bool(rotations),
        f"list_key_rotations shows no rotations for key {key_id}; call rotate_key_on_demand(KeyId=...) once.",
    )
    return result.finish()
