"""S3 uses KMS on the caller's behalf for SSE-KMS, so S3 permissions alone do not open an SSE-KMS object."""
from __future__ import annotations

import json

import pytest
from access_support import eventually, me, refused


@pytest.mark.behaviour("S3 permissions alone cannot read or write an SSE-KMS object")
def test_s3_only_user_cannot_use_sse_kms(course, made) -> None:
    """Reading an SSE-KMS object needs kms:Decrypt, and writing one kms:GenerateDataKey, on the key, for the caller;
    a user with only AmazonS3FullAccess gets AccessDenied. https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys"""
    key = made.key()
    bucket = made.unique("sse")
    s3 = course.client("s3")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key="secret.txt"))
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    s3_only = course.member("s3-only", policy_arns=("arn:aws:iam::aws:policy/AmazonS3FullAccess",))
    theirs = s3_only.client("s3")
    message = eventually(course, lambda: refused(lambda: theirs.get_object(Bucket=bucket, Key="secret.txt"), "AccessDenied"))
    assert "kms:Decrypt" in message
    refused(lambda: theirs.put_object(Bucket=bucket, Key="mine.txt", Body=b"y", ServerSideEncryption="aws:kms",
                                      SSEKMSKeyId=key["KeyId"]), "AccessDenied")
    assert theirs.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.behaviour("The AWS managed key aws/s3 works only through S3")
def test_aws_managed_key_works_only_through_s3(course, made) -> None:
    """An AWS managed key's policy lets account principals use it only through its service (kms:ViaService) and
    read its metadata directly; it reports KeyManager AWS. https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key"""
    bucket = made.unique("managed")
    s3 = course.client("s3")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key="default.txt"))
    s3.put_object(Bucket=bucket, Key="default.txt", Body=b"under aws/s3", ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket=bucket, Key="default.txt")["Body"].read() == b"under aws/s3"
    kms = course.client("kms")
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyManager"] == "AWS"
    message = refused(lambda: kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"direct"), "AccessDeniedException")
    assert "kms:Encrypt" in message


@pytest.mark.behaviour("A Deny with a NotPrincipal naming the account exempts only the principals it lists")
def test_not_principal_with_the_account_exempts_only_those_listed(course, made) -> None:
    """A Deny statement with NotPrincipal denies every principal except those listed. Listing the account ARN beside
    the exempted user (as IAM requires, since it checks the account first) does not exempt the account's other
    principals: a colleague with AdministratorAccess is denied, the listed user is not.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    bucket = made.unique("notprincipal")
    s3 = course.client("s3")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    made.cleanups.append(lambda: s3.delete_bucket_policy(Bucket=bucket))
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key="only-me.txt"))
    s3.put_object(Bucket=bucket, Key="only-me.txt", Body=b"mine")
    listed = sorted({course.identity_arn, me(course), f"arn:aws:iam::{course.account_id}:root"})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "NotPrincipal": {"AWS": listed}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    theirs = course.colleague().client("s3")
    eventually(course, lambda: refused(lambda: theirs.get_object(Bucket=bucket, Key="only-me.txt"), "AccessDenied"))
    assert s3.get_object(Bucket=bucket, Key="only-me.txt")["Body"].read() == b"mine"
