"""A key policy that tests S3's encryption context: one prefix of a bucket readable by one principal only."""
from __future__ import annotations

import pytest
from access_support import admin, colleague, eventually, key_policy, me, root, statement  # noqa: F401  (fixtures)
from botocore.exceptions import ClientError


@pytest.mark.behaviour("A Deny on kms:EncryptionContext:aws:s3:arn with ArnNotEquals aws:PrincipalArn keeps one prefix for one principal")
def test_deny_on_the_object_arn_except_one_principal(course, made, colleague) -> None:
    """S3 calls KMS with the object's ARN as encryption context (aws:s3:arn), so a key policy Deny of kms:Decrypt with
    StringLike kms:EncryptionContext:aws:s3:arn on a prefix and ArnNotEquals aws:PrincipalArn refuses GetObject of
    those objects to every other caller (S3 answers AccessDenied), while other objects, and the exempt principal,
    still read. https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context and
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN"""
    s3, bucket = course.client("s3"), made.unique("ctx")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    deny = statement("*", "kms:Decrypt", effect="Deny", condition={
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"arn:aws:s3:::{bucket}/payroll/*"},
        "ArnNotEquals": {"aws:PrincipalArn": me(course)}})
    key = made.key(Policy=key_policy(admin(course), root(course), deny))
    for name in ("payroll/nov.csv", "reports/q3.csv"):
        s3.put_object(Bucket=bucket, Key=name, Body=name.encode(), ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
        made.cleanups.append(lambda name=name: s3.delete_object(Bucket=bucket, Key=name))
    theirs = colleague.client("s3")
    assert eventually(course, lambda: theirs.get_object(Bucket=bucket, Key="reports/q3.csv"))["Body"].read() == b"reports/q3.csv"
    with pytest.raises(ClientError) as info:
        theirs.get_object(Bucket=bucket, Key="payroll/nov.csv")
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="payroll/nov.csv")["Body"].read() == b"payroll/nov.csv"


def _sse_put(course, made, bucket: str, key_id: str, name: str) -> None:
    """PutObject with SSE-KMS under the key, as the suite's identity (the object removed after the test)."""
    s3 = course.client("s3")
    s3.put_object(Bucket=bucket, Key=name, Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key=name))


@pytest.mark.behaviour("S3's SSE-KMS calls to KMS for a caller carry no aws:SourceArn or aws:SourceAccount")
def test_sse_kms_calls_carry_no_source_keys(course, made) -> None:
    """S3 calls KMS for the caller of an SSE-KMS request with the caller's own identity (a forward access session),
    not as the service principal s3.amazonaws.com, so aws:SourceArn and aws:SourceAccount, present only on requests a
    service principal makes for a resource, are absent: a key-policy Deny of kms:GenerateDataKey that applies when
    both keys are absent (Null true) refuses the PutObject, and one that applies when either is present lets it pass.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html and
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn"""
    s3, bucket = course.client("s3"), made.unique("source-keys")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    if_absent = statement("*", "kms:GenerateDataKey", effect="Deny",
                          condition={"Null": {"aws:SourceArn": "true", "aws:SourceAccount": "true"}})
    if_present = [statement("*", "kms:GenerateDataKey", effect="Deny", condition={"Null": {name: "false"}})
                  for name in ("aws:SourceArn", "aws:SourceAccount")]
    absent_key = made.key(Policy=key_policy(admin(course), if_absent))
    present_key = made.key(Policy=key_policy(admin(course), *if_present))
    with pytest.raises(ClientError) as info:
        _sse_put(course, made, bucket, absent_key["KeyId"], "refused.txt")
    assert info.value.response["Error"]["Code"] == "AccessDenied"
    _sse_put(course, made, bucket, present_key["KeyId"], "allowed.txt")
    assert s3.head_object(Bucket=bucket, Key="allowed.txt")["SSEKMSKeyId"] == present_key["Arn"]


@pytest.mark.behaviour("S3's SSE-KMS calls to KMS have aws:ViaAWSService true; the caller's own calls false")
def test_sse_kms_calls_are_via_an_aws_service(course, made) -> None:
    """S3 calls KMS for an SSE-KMS request with a forward access session of the caller, where aws:ViaAWSService is
    true: a key-policy Deny of kms:GenerateDataKey with Bool aws:ViaAWSService true refuses the PutObject, while
    the caller's own GenerateDataKey (false) passes. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html
    and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-viaawsservice"""
    s3, bucket = course.client("s3"), made.unique("via-aws")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    deny = statement("*", "kms:GenerateDataKey", effect="Deny", condition={"Bool": {"aws:ViaAWSService": "true"}})
    key = made.key(Policy=key_policy(admin(course), deny))
    assert len(course.client("kms").generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")["Plaintext"]) == 32
    with pytest.raises(ClientError) as info:
        _sse_put(course, made, bucket, key["KeyId"], "refused.txt")
    assert info.value.response["Error"]["Code"] == "AccessDenied"
