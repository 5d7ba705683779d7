"""Items several lab checks begin with: the course key exists, and the bucket is one of the learner's."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from ..prereqs import default_alias
from .result import CheckResult


def course_key_arn(course: Course, result: CheckResult, kms: Any | None = None) -> str | None:
    """The course key's ARN, or None after recording a failed item that says how to create it."""
    alias = default_alias(course)
    try:
        return str((kms or course.client("kms")).describe_key(KeyId=alias)["KeyMetadata"]["Arn"])
    except ClientError:
        result.add("the course key exists", False, f"there is no {alias}; run key = kmscourse.prereqs.ensure_course_key(course).")
        return None


def is_course_bucket(course: Course, result: CheckResult, bucket: Any) -> bool:
    """Record whether `bucket` is a name the course created for this learner."""
    return result.add(
        "bucket is one of your course buckets",
        isinstance(bucket, str) and bucket.startswith(course.prefix),
        f"bucket is {bucket!r}; use the name buckets.ensure_bucket(course, ...) returned (it starts with {course.prefix}).",
    )


def course_key_and_bucket(course: Course, result: CheckResult, kms: Any, bucket: Any) -> str | None:
    """The course key's ARN when it exists and `bucket` is the learner's; else None, with the failed item recorded."""
    key_arn = course_key_arn(course, result, kms)
    if key_arn is None or not is_course_bucket(course, result, bucket):
        return None
    return key_arn
