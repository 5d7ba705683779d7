"""Lab 00: find out who and where you are."""
from __future__ import annotations

from typing import Any

from ..course import Course
from .notebook import NOT_SET, answer, require
from .result import CheckResult


def check(course: Course, identity_arn: Any = NOT_SET, region: Any = NOT_SET) -> CheckResult:
    """Your identity ARN and region must be the ones AWS reports for your credentials (read from the notebook when not passed)."""
    result = CheckResult("Lab 00")
    identity_arn, region = answer(identity_arn, "identity_arn"), answer(region, "region")
    actual = course.client("sts").get_caller_identity()
    if require(result, identity_arn, "identity_arn", "do Exercise 1", "identity_arn is the ARN STS reports for you"):
        result.add(
            "identity_arn is a string",
            isinstance(identity_arn, str),
            f"identity_arn is {type(identity_arn).__name__}; take the 'Arn' field from the get_caller_identity() response.",
        )
    if isinstance(identity_arn, str):
        hint = f"you have '{identity_arn}', but STS says you are '{actual['Arn']}'."
        if identity_arn == actual["UserId"]:
            hint = "that is your UserId; the ARN is in the 'Arn' field of the same response."
        elif identity_arn == actual["Account"]:
            hint = "that is your account id; the ARN is in the 'Arn' field of the same response."
        result.add("identity_arn is the ARN STS reports for you", identity_arn == actual["Arn"], hint)
    if require(result, region, "region", "do Exercise 1", "region is the region your clients use"):
        region_hint = f"you have '{region}', but your clients use '{course.region}'; read it from course.region or your client's meta.region_name."
        result.add("region is the region your clients use", region == course.region, region_hint)
    return result.finish()
