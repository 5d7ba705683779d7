"""Bucket policy conditions on the SSE headers as IAM evaluates them: IfExists when the header is absent, and Null."""
from __future__ import annotations

import json
from typing import Any

import pytest
from resources import Resources, error_code

KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id"


@pytest.fixture
def s3(course: Any) -> Any:
    """An S3 client for the backend."""
    return course.client("s3")


@pytest.fixture
def bucket(course: Any, s3: Any, made: Resources) -> str:
    """A new bucket whose default encryption is SSE-KMS with a key of its own; emptied and deleted afterwards."""
    name = made.unique("bpc")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": course.region})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": course.tags()})

    def remove() -> None:
        for version in s3.list_object_versions(Bucket=name).get("Versions", []):
            s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
        s3.delete_bucket(Bucket=name)

    made.cleanups.append(remove)
    return name


def _deny(bucket: str, condition: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyOtherKeys", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": condition}]})


def _put(s3: Any, bucket: str, name: str, key_arn: str | None = None) -> dict[str, Any]:
    extra = {} if key_arn is None else {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_arn}
    return dict(s3.put_object(Bucket=bucket, Key=name, Body=b"hello", **extra))


def _default_kms(s3: Any, bucket: str, key_arn: str) -> None:
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}}]})


@pytest.mark.behaviour("StringNotEqualsIfExists on the SSE key id still denies uploads without the header")
def test_if_exists_denies_a_missing_header(s3: Any, made: Resources, bucket: str) -> None:
    """...IfExists evaluates to true when the request lacks the key, so a Deny with StringNotEqualsIfExists on
    s3:x-amz-server-side-encryption-aws-kms-key-id refuses an upload without that header, even when the bucket's
    default encryption would have used the right key; an upload naming the key is accepted.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
    """
    key_arn = made.key()["Arn"]
    _default_kms(s3, bucket, key_arn)
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny(bucket, {"StringNotEqualsIfExists": {KEY_ID: key_arn}}))
    assert _put(s3, bucket, "named.txt", key_arn)["SSEKMSKeyId"] == key_arn
    assert error_code(_put, s3=s3, bucket=bucket, name="no-header.txt") == "AccessDenied"


@pytest.mark.behaviour("A Null condition on the SSE key id leaves uploads without the header to default encryption")
def test_null_condition_leaves_default_encryption(s3: Any, made: Resources, bucket: str) -> None:
    """Adding "Null": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"} makes the Deny apply only to
    requests that carry the header: an upload without it is accepted and encrypted by the bucket default under the
    right key, one naming the right key is accepted, and one naming another key is denied.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
    """
    key_arn, other_arn = made.key()["Arn"], made.key()["Arn"]
    _default_kms(s3, bucket, key_arn)
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny(bucket, {
        "StringNotEqualsIfExists": {KEY_ID: key_arn}, "Null": {KEY_ID: "false"}}))
    assert _put(s3, bucket, "no-header.txt")["SSEKMSKeyId"] == key_arn
    assert _put(s3, bucket, "named.txt", key_arn)["SSEKMSKeyId"] == key_arn
    assert error_code(_put, s3=s3, bucket=bucket, name="other.txt", key_arn=other_arn) == "AccessDenied"


@pytest.mark.behaviour("A Deny on s3:* with StringNotEquals on the SSE key id also refuses reads, whose requests lack the key")
def test_deny_on_every_action_refuses_reads(s3: Any, made: Resources, bucket: str) -> None:
    """A negated operator is true when the request lacks its key. GetObject and DeleteObject send no
    x-amz-server-side-encryption-aws-kms-key-id header, so a Deny on "s3:*" unless that key is the bucket's key
    refuses them too, although the upload that named the key was accepted. Scoping the Deny to s3:PutObject leaves
    reads alone.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
    """
    key_arn = made.key()["Arn"]
    _put(s3, bucket, "named.txt", key_arn)
    every_action = json.loads(_deny(bucket, {"StringNotEquals": {KEY_ID: key_arn}}))
    every_action["Statement"][0]["Action"] = "s3:*"
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(every_action))
    try:
        assert _put(s3, bucket, "again.txt", key_arn)["SSEKMSKeyId"] == key_arn
        assert error_code(s3.get_object, Bucket=bucket, Key="named.txt") == "AccessDenied"
        assert error_code(s3.delete_object, Bucket=bucket, Key="named.txt") == "AccessDenied"
    finally:
        s3.put_bucket_policy(Bucket=bucket, Policy=_deny(bucket, {"StringNotEquals": {KEY_ID: key_arn}}))
    assert s3.get_object(Bucket=bucket, Key="named.txt")["Body"].read() == b"hello"
