"""S3 server-side encryption with KMS keys: S3 uses KMS on the caller's behalf, so KMS's answers reach S3."""
from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from resources import Resources, error_code


@pytest.fixture
def s3(course: Any) -> Any:
    """An S3 client for the course backend."""
    return course.client("s3")


@pytest.fixture
def bucket(course: Any, s3: Any, made: Resources) -> str:
    """A new course bucket, emptied and deleted afterwards."""
    name = made.unique("sse")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": course.region})
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": course.tags()})

    def remove() -> None:
        for version in s3.list_object_versions(Bucket=name).get("Versions", []):
            s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
        s3.delete_bucket(Bucket=name)

    made.cleanups.append(remove)
    return name


def _put(s3: Any, bucket: str, key_id: str | None = None, **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"Bucket": bucket, "Key": "object.txt", "Body": b"hello", **extra}
    if key_id is not None:
        args.update(ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    return dict(s3.put_object(**args))


@pytest.mark.behaviour("SSE-KMS PutObject and GetObject report the key ARN")
def test_explicit_sse_kms(s3: Any, made: Resources, bucket: str) -> None:
    """An object written with SSE-KMS reports ServerSideEncryption aws:kms and SSEKMSKeyId as the key ARN.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
    """
    meta = made.key()
    put = _put(s3, bucket, meta["KeyId"])
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", meta["Arn"])
    got = s3.get_object(Bucket=bucket, Key="object.txt")
    assert (got["ServerSideEncryption"], got["SSEKMSKeyId"]) == ("aws:kms", meta["Arn"])
    assert got["Body"].read() == b"hello"


@pytest.mark.behaviour("Bucket default SSE-KMS encrypts objects put without SSE headers")
def test_bucket_default_sse_kms(s3: Any, made: Resources, bucket: str) -> None:
    """With default encryption SSE-KMS, objects put without headers are encrypted with the default key (reported as its ARN).

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html
    """
    meta = made.key()
    alias = made.alias(meta["KeyId"])
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": alias}}]})
    put = _put(s3, bucket)
    assert (put["ServerSideEncryption"], put["SSEKMSKeyId"]) == ("aws:kms", meta["Arn"])
    head = s3.head_object(Bucket=bucket, Key="object.txt")
    assert head["SSEKMSKeyId"] == meta["Arn"]


@pytest.mark.behaviour("A new bucket reports SSE-S3 default encryption")
def test_new_bucket_sse_s3(s3: Any, bucket: str) -> None:
    """Every bucket has default encryption SSE-S3 (AES256), and objects put without headers report AES256.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
    """
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert _put(s3, bucket)["ServerSideEncryption"] == "AES256"


@pytest.mark.behaviour("SSE-KMS with a key that does not exist gives KMS.NotFoundException")
def test_missing_key(course: Any, s3: Any, bucket: str) -> None:
    """S3 cannot use a KMS key that does not exist: PutObject fails with KMS.NotFoundException, explicit or by default.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
    """
    missing = f"arn:aws:kms:{course.region}:{course.account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert error_code(_put, s3=s3, bucket=bucket, key_id=missing) == "KMS.NotFoundException"
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": missing}}]})
    assert error_code(_put, s3=s3, bucket=bucket) == "KMS.NotFoundException"


@pytest.mark.behaviour("SSE-KMS PutObject and GetObject with a disabled key give KMS.DisabledException")
def test_disabled_key(kms: Any, s3: Any, made: Resources, bucket: str) -> None:
    """S3 gets DisabledException from KMS for a disabled key: writes and reads fail with KMS.DisabledException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    key_id = made.key()["KeyId"]
    _put(s3, bucket, key_id)
    kms.disable_key(KeyId=key_id)
    assert error_code(s3.get_object, Bucket=bucket, Key="object.txt") == "KMS.DisabledException"
    assert error_code(_put, s3=s3, bucket=bucket, key_id=key_id) == "KMS.DisabledException"
    kms.enable_key(KeyId=key_id)
    assert s3.get_object(Bucket=bucket, Key="object.txt")["Body"].read() == b"hello"


@pytest.mark.behaviour("SSE-KMS with a key pending deletion gives KMS.KMSInvalidStateException")
def test_pending_deletion_key(kms: Any, s3: Any, made: Resources, bucket: str) -> None:
    """A key pending deletion cannot be used by S3: writes (bucket default) and reads fail with KMS.KMSInvalidStateException.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
    """
    key_id = made.key()["KeyId"]
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id}}]})
    _put(s3, bucket)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert error_code(s3.get_object, Bucket=bucket, Key="object.txt") == "KMS.KMSInvalidStateException"
    assert error_code(_put, s3=s3, bucket=bucket) == "KMS.KMSInvalidStateException"


def _deny_unless(bucket: str, condition: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "RequireSseKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": condition}]})


@pytest.mark.behaviour("Bucket policy requiring s3:x-amz-server-side-encryption aws:kms")
def test_policy_requires_sse_kms(s3: Any, made: Resources, bucket: str) -> None:
    """A Deny on StringNotEquals s3:x-amz-server-side-encryption aws:kms refuses puts without that header (even with a
    KMS bucket default, since the condition sees only the request) and allows puts that send it.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
    """
    key_id = made.key()["KeyId"]
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny_unless(bucket, {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}))
    assert _put(s3, bucket, key_id)["ServerSideEncryption"] == "aws:kms"
    assert error_code(_put, s3=s3, bucket=bucket) == "AccessDenied"
    assert error_code(_put, s3=s3, bucket=bucket, ServerSideEncryption="AES256") == "AccessDenied"


@pytest.mark.behaviour("Bucket policy requiring a specific s3:x-amz-server-side-encryption-aws-kms-key-id")
def test_policy_requires_key(s3: Any, made: Resources, bucket: str) -> None:
    """A Deny on StringNotEquals s3:x-amz-server-side-encryption-aws-kms-key-id refuses puts naming another key.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html
    """
    allowed, other = made.key()["Arn"], made.key()["Arn"]
    s3.put_bucket_policy(Bucket=bucket, Policy=_deny_unless(bucket, {
        "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": allowed}}))
    assert _put(s3, bucket, allowed)["SSEKMSKeyId"] == allowed
    assert error_code(_put, s3=s3, bucket=bucket, key_id=other) == "AccessDenied"
    with pytest.raises(ClientError):
        _put(s3, bucket)
