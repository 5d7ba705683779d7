"""IAM, STS and S3 calls are authorised too: a user with no permissions cannot raise its own, or read what is not its."""
from __future__ import annotations

import pytest
from access_support import eventually, refused


@pytest.mark.behaviour("A user cannot attach a policy to itself without iam:AttachUserPolicy")
def test_user_without_permissions_cannot_grant_itself_administrator(course) -> None:
    """IAM decides every IAM API call from the caller's identity-based policies: with none, AttachUserPolicy on
    oneself and CreateAccessKey for another user are AccessDenied (HTTP 403).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    outsider = course.outsider()
    iam = outsider.client("iam")
    eventually(course, lambda: refused(lambda: iam.attach_user_policy(
        UserName=outsider.user_name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"), "AccessDenied"))
    refused(lambda: iam.create_access_key(UserName=course.colleague().user_name), "AccessDenied")
    refused(lambda: iam.list_users(), "AccessDenied")


@pytest.mark.behaviour("GetCallerIdentity needs no permission")
def test_get_caller_identity_needs_no_permission(course) -> None:
    """No permission is required to perform GetCallerIdentity: it works even for a user with no policies.
    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"""
    outsider = course.outsider()
    who = eventually(course, lambda: outsider.client("sts").get_caller_identity())
    assert who["Arn"].endswith(f":user/{outsider.user_name}")


@pytest.mark.behaviour("A user without S3 permissions cannot list buckets or read another user's object")
def test_user_without_s3_permissions_cannot_read_objects(course, made) -> None:
    """Within one account, S3 allows a request when the caller's identity-based policy or the bucket policy allows
    it; with neither, ListBuckets and GetObject are AccessDenied.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html"""
    bucket = made.unique("private")
    s3 = course.client("s3")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key="private.txt"))
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"not yours")
    theirs = course.outsider().client("s3")
    eventually(course, lambda: refused(lambda: theirs.get_object(Bucket=bucket, Key="private.txt"), "AccessDenied"))
    refused(lambda: theirs.list_buckets(), "AccessDenied")


@pytest.mark.behaviour("The AWS managed policy AWSKeyManagementServicePowerUser lets its holder view and create keys, not use them")
def test_kms_power_user_managed_policy(course, made) -> None:
    """AWSKeyManagementServicePowerUser (v2) allows kms:CreateKey, kms:Describe*, kms:List* and a few more, but no
    cryptographic operation: its holder can list and describe keys whose key policy delegates to IAM, and Encrypt
    with them is AccessDeniedException.
    https://docs.aws.amazon.com/kms/latest/developerguide/security-iam-awsmanpol.html"""
    arn = "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"
    iam = course.client("iam")
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    (statement,) = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]["Statement"]
    assert {"kms:CreateKey", "kms:Describe*", "kms:List*"} <= set(statement["Action"]) and statement["Effect"] == "Allow"
    key = made.key()
    holder = course.member("kms-power-user", policy_arns=(arn,)).client("kms")
    assert eventually(course, lambda: holder.describe_key(KeyId=key["KeyId"]))["KeyMetadata"]["Arn"] == key["Arn"]
    refused(lambda: holder.encrypt(KeyId=key["KeyId"], Plaintext=b"not mine to use"), "AccessDeniedException")
