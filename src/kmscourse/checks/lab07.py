"""Lab 07: turn on automatic rotation with a given period, and rotate once on demand."""
from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from .notebook import NOT_SET, answer, is_set, last_error, quoted_number, require
from .result import CheckResult

MIN_PERIOD, MAX_PERIOD = 90, 2560
"""The rotation periods AWS accepts, in days."""

LAB_PERIOD = 180
"""The period the lab asks for."""

_NO_ALIASES = ("EnableKeyRotation", "GetKeyRotationStatus", "RotateKeyOnDemand", "ListKeyRotations")
"""The rotation operations, which take a key id or key ARN but not an alias."""


def _period_hint(period_days: Any) -> str:
    """What is wrong with the learner's period_days."""
    quoted = quoted_number(period_days, "period_days", "RotationPeriodInDays")
    if quoted:
        return quoted
    if not isinstance(period_days, int) or isinstance(period_days, bool) or not MIN_PERIOD <= period_days <= MAX_PERIOD:
        return (f"your period_days is {period_days!r}; AWS accepts {MIN_PERIOD} to {MAX_PERIOD} days, so EnableKeyRotation "
                f"refuses it. New material at least every {LAB_PERIOD} days, as rarely as that allows, is {LAB_PERIOD}.")
    if period_days < LAB_PERIOD:
        return (f"your period_days is {period_days}: that meets the {LAB_PERIOD}-day rule, but rotates more often than it "
                "requires, and the rule also says no more often than that. Rotate as rarely as the rule allows.")
    return f"your period_days is {period_days}, longer than the {LAB_PERIOD} days the security team allows between rotations."


def _alias_refused(alias_hint: str) -> str:
    """The hint when the notebook's last failed call passed an alias to a rotation operation, else ''."""
    error = last_error()
    if isinstance(error, ClientError) and error.operation_name in _NO_ALIASES and "alias/" in str(error):
        return (f"your {error.operation_name} call was refused with {error.response['Error']['Code']} ('"
                f"{error.response['Error'].get('Message', '')}'), though the alias exists: {alias_hint}")
    return ""


def _same_date(recorded: Any, actual: Any) -> bool:
    """True when the learner's recorded date is KMS's (a datetime, or text holding its date)."""
    if isinstance(recorded, dt.datetime) and isinstance(actual, dt.datetime):
        return recorded == actual
    return isinstance(recorded, str) and isinstance(actual, dt.datetime) and actual.date().isoformat() in recorded


def check(course: Course, key_id: Any = NOT_SET, period_days: Any = NOT_SET, next_rotation: Any = NOT_SET,
          next_rotation_after: Any = NOT_SET) -> CheckResult:
    """Rotation on with the lab's period, one rotation listed, and (in the lab) the dates KMS reported.

    The lab's check cell, `lab07.check(course)`, reads `lab_key`, `period_days`, `next_rotation` and
    `next_rotation_after` from the notebook. Lesson 07 passes a key and a period, and only those are checked.
    """
    result = CheckResult("Lab 07")
    kms = course.client("kms")
    lab = key_id is NOT_SET
    if lab:
        lab_key = answer(NOT_SET, "lab_key")
        key_id = getattr(lab_key, "key_id", NOT_SET)
        if not require(result, key_id, "lab_key", "run the setup cell", "the lab's key exists"):
            return result.finish()
    period_days = answer(period_days, "period_days")
    if require(result, period_days, "period_days", "do Exercise 1", f"the rotation period is {LAB_PERIOD} days"):
        result.add(f"the rotation period is {LAB_PERIOD} days", period_days == LAB_PERIOD and isinstance(period_days, int),
                   _period_hint(period_days))
    key_id = str(key_id)
    alias_hint = (f"{', '.join(_NO_ALIASES[:3])} take a key id or key ARN, not an alias, and KMS answers NotFoundException "
                  "when given one. Pass lab_key.key_id.")
    if key_id.startswith("alias/"):
        try:
            resolved = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyId"]
        except ClientError:
            resolved = None
        if resolved:
            result.add("key_id is a key id, not an alias", False, f"key_id is the alias {key_id} of key {resolved}: {alias_hint}")
            key_id = resolved
    try:
        status = kms.get_key_rotation_status(KeyId=key_id)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        result.add("the key exists", False, f"KMS says {code} for key_id {key_id!r}; use the KeyId of the lab's key (lab_key.key_id).")
        return result.finish()
    enabled = bool(status.get("KeyRotationEnabled"))
    result.add(
        "automatic rotation is enabled",
        enabled,
        _alias_refused(alias_hint) or
        f"KMS says rotation is off for key {key_id}; call enable_key_rotation(KeyId=..., RotationPeriodInDays=...) (Exercise 1).",
    )
    if enabled and isinstance(period_days, int):
        actual = status.get("RotationPeriodInDays")
        hint = f"KMS reports a period of {actual} days, but you meant {period_days}; call enable_key_rotation again with RotationPeriodInDays={period_days}."
        if actual == 365 and period_days != 365:
            hint = (f"KMS reports 365 days, the default when RotationPeriodInDays is left out; call enable_key_rotation "
                    f"again with RotationPeriodInDays={period_days}.")
        result.add(f"KMS reports the rotation period as {period_days} days", actual == period_days, hint)
    rotations = kms.list_key_rotations(KeyId=key_id).get("Rotations", [])
    result.add(
        "at least one rotation is listed",
        bool(rotations),
        f"list_key_rotations shows no rotations for key {key_id}; call rotate_key_on_demand(KeyId=...) once (Exercise 2).",
    )
    given = [is_set(v) for v in (next_rotation, next_rotation_after)]
    if lab or any(given):
        _check_dates(result, status.get("NextRotationDate"), answer(next_rotation, "next_rotation"),
                     answer(next_rotation_after, "next_rotation_after"), bool(rotations))
    return result.finish()


def _check_dates(result: CheckResult, actual: Any, before: Any, after: Any, rotated: bool) -> None:
    """The dates the learner recorded: next automatic rotation before and after the on-demand one."""
    if require(result, before, "next_rotation", "do Exercise 1", "next_rotation is the date KMS reported"):
        result.add("next_rotation is the date KMS reported", _same_date(before, actual),
                   f"your next_rotation is {before!r}, but KMS says the next automatic rotation is {actual}; read "
                   "NextRotationDate from get_key_rotation_status after enabling rotation.")
    if rotated and require(result, after, "next_rotation_after", "do Exercise 2", "next_rotation_after is the date KMS reported"):
        hint = (f"your next_rotation_after is {after!r}, but KMS says {actual}; read NextRotationDate again after "
                "rotate_key_on_demand.")
        if isinstance(after, dt.datetime) and isinstance(actual, dt.datetime) and after != actual and before == actual:
            hint = ("you recorded a different date after the on-demand rotation, but KMS still reports the date from before: "
                    "an on-demand rotation does not move the automatic schedule. Read NextRotationDate again.")
        result.add("next_rotation_after is the date KMS reported", _same_date(after, actual), hint)
