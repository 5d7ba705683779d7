"""The course's S3 buckets: unique names, idempotent create (tagged), empty and delete, only ever the learner's own."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .course import TAG_KEY, Course
from .errors import CourseError

MAX_NAME = 63
"""S3's limit on bucket name length."""


def bucket_name(course: Course, purpose: str) -> str:
    """`kmscourse-<learner>-<purpose>-<account id>`: bucket names are global, so the account id makes it yours."""
    name = course.name(f"{purpose}-{course.account_id}")
    if len(name) > MAX_NAME:
        raise CourseError(
            f"The bucket name {name} is {len(name)} characters, over S3's {MAX_NAME}; choose a shorter "
            "KMSCOURSE_LEARNER and restart the kernel."
        )
    return name


def _owned_by_learner(course: Course, name: str) -> bool:
    """True when the bucket carries this learner's course tag."""
    try:
        tags = course.client("s3").get_bucket_tagging(Bucket=name)["TagSet"]
    except ClientError:
        return False
    return {"Key": TAG_KEY, "Value": course.learner} in tags


def ensure_bucket(course: Course, purpose: str, fresh: bool = True) -> str:
    """Create (or reuse) the learner's bucket for `purpose`, tagged; return its name.

    fresh: when reusing, empty it and remove its bucket policy and default encryption, so a lesson run
    a second time starts from the same state as the first (a bucket always has SSE-S3 by default).
    """
    s3 = course.client("s3")
    name = bucket_name(course, purpose)
    where = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    try:
        s3.create_bucket(Bucket=name, **where)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code == "BucketAlreadyExists":
            raise CourseError(f"The bucket name {name} belongs to another AWS account; set another KMSCOURSE_LEARNER.") from None
        if code != "BucketAlreadyOwnedByYou":
            raise
        if fresh:
            reset_bucket(course, name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": course.tags()})
    return name


def reset_bucket(course: Course, name: str) -> None:
    """Empty the bucket and drop its policy and default encryption (back to SSE-S3, as for a new bucket)."""
    s3 = course.client("s3")
    s3.delete_bucket_policy(Bucket=name)
    empty_bucket(course, name)
    s3.delete_bucket_encryption(Bucket=name)


def empty_bucket(course: Course, name: str) -> int:
    """Delete every object (and every version and delete marker) in the bucket; return how many went."""
    s3 = course.client("s3")
    removed = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        doomed: list[dict[str, Any]] = [
            {"Key": v["Key"], "VersionId": v["VersionId"]} for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(doomed), 1000):
            s3.delete_objects(Bucket=name, Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
        removed += len(doomed)
    return removed


def delete_bucket(course: Course, purpose: str) -> bool:
    """Empty and delete the learner's bucket for `purpose`; False when there was none. Refuses untagged buckets."""
    name = bucket_name(course, purpose)
    s3 = course.client("s3")
    try:
        s3.head_bucket(Bucket=name)
    except ClientError:
        return False
    if not _owned_by_learner(course, name):
        raise CourseError(f"The bucket {name} lacks the tag {TAG_KEY}={course.learner}, so the course leaves it alone.")
    s3.delete_bucket_policy(Bucket=name)  # a Deny on PutObject never blocks deletes, but keep nothing behind
    empty_bucket(course, name)
    s3.delete_bucket(Bucket=name)
    return True
