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
