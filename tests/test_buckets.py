"""kmscourse.buckets: unique tagged names, idempotent create that starts fresh, and delete of only your buckets."""
from __future__ import annotations

import json

import pytest

from kmscourse import buckets
from kmscourse.errors import CourseError


def test_name_is_prefixed_and_carries_the_account(course) -> None:
    assert buckets.bucket_name(course, "sse-kms") == f"kmscourse-learner-sse-kms-{course.account_id}"
    with pytest.raises(CourseError, match="over S3's 63"):
        buckets.bucket_name(course, "x" * 40)


def test_ensure_is_idempotent_and_fresh(course) -> None:
    s3 = course.client("s3")
    name = buckets.ensure_bucket(course, "t-idem")
    s3.put_object(Bucket=name, Key="a", Body=b"a")
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    assert buckets.ensure_bucket(course, "t-idem") == name
    assert "Contents" not in s3.list_objects_v2(Bucket=name)
    rule = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == course.tags()
    assert buckets.delete_bucket(course, "t-idem") is True
    assert buckets.delete_bucket(course, "t-idem") is False


def test_delete_refuses_a_bucket_without_the_course_tag(course) -> None:
    s3 = course.client("s3")
    name = buckets.bucket_name(course, "t-untagged")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": course.region})
    with pytest.raises(CourseError, match="lacks the tag"):
        buckets.delete_bucket(course, "t-untagged")
    s3.delete_bucket(Bucket=name)
