"""AccessDenied as AWS words it today: the principal, the action, the resource (unless the ciphertext chose it), and why."""
from __future__ import annotations

import json

import boto3
import pytest
from access_support import denial, eventually, outsider, refused  # noqa: F401  (fixture)

NO_IDENTITY_POLICY = "because no identity-based policy allows the {} action"


@pytest.mark.behaviour("A Decrypt that names its key is denied on the key's ARN")
def test_decrypt_naming_its_key_shows_the_arn(course, made, outsider) -> None:
    """When the caller names the key (KeyId), KMS's denial says "on resource: <key ARN>"; only a Decrypt that leaves
    the key to the ciphertext hides it. https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    key = made.key()
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"named")["CiphertextBlob"]
    kms = outsider.client("kms")
    message = eventually(course, lambda: refused(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"]), "AccessDeniedException"))
    assert message == denial(outsider.arn, "kms:Decrypt", key["Arn"], NO_IDENTITY_POLICY.format("kms:Decrypt"))


@pytest.mark.behaviour("A role session outside its session policy is denied because no session policy allows it")
def test_session_policy_denial_names_the_session_policy(course, made) -> None:
    """A session policy passed to AssumeRole limits the session to what both it and the role's policies allow; a call
    outside it is denied "because no session policy allows the <action> action".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html and
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    iam = course.client("iam")
    name = made.unique("session-role")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    iam.put_role_policy(RoleName=name, PolicyName="kms", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
    made.cleanups.append(lambda: iam.delete_role_policy(RoleName=name, PolicyName="kms"))
    only_describe = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"}]})
    key = made.key()
    creds = eventually(course, lambda: course.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="narrow", Policy=only_describe)["Credentials"])
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name=course.region)
    kms = session.client("kms", endpoint_url=course.endpoint_url)
    assert eventually(course, lambda: kms.describe_key(KeyId=key["KeyId"]))["KeyMetadata"]["Arn"] == key["Arn"]
    message = refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
    session_arn = f"arn:aws:sts::{course.account_id}:assumed-role/{name}/narrow"
    assert message == denial(session_arn, "kms:Encrypt", key["Arn"], "because no session policy allows the kms:Encrypt action")


@pytest.mark.behaviour("IAM denies a call no identity-based policy allows, naming the IAM resource")
def test_iam_denial_names_the_resource(course, made, outsider) -> None:
    """An IAM call without permission fails with AccessDenied "User: <arn> is not authorized to perform:
    iam:<Action> on resource: <the user, role or policy ARN> because no identity-based policy allows the
    iam:<Action> action". https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    name = made.unique("never-made")
    message = eventually(course, lambda: refused(lambda: outsider.client("iam").create_user(UserName=name), "AccessDenied"))
    assert message == denial(outsider.arn, "iam:CreateUser", f"arn:aws:iam::{course.account_id}:user/{name}",
                             NO_IDENTITY_POLICY.format("iam:CreateUser"))


def _bucket_with_object(course, made, suffix: str) -> tuple[str, str]:
    """A bucket of the suite with one object in it: (bucket name, object key), both removed after the test."""
    s3, bucket, name = course.client("s3"), made.unique(suffix), "note.txt"
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    s3.put_object(Bucket=bucket, Key=name, Body=b"note")
    made.cleanups.append(lambda: s3.delete_object(Bucket=bucket, Key=name))
    return bucket, name


def s3_denial(principal: str, action: str, arn: str, why: str) -> str:
    """S3's AccessDenied message within the bucket owner's account or organization (the ARN in double quotes)."""
    return f'User: {principal} is not authorized to perform: {action} on resource: "{arn}" {why}'


@pytest.mark.behaviour("S3 denies an own-account caller no policy allows, naming the object and the policy type")
def test_s3_denial_names_the_object_and_policy_type(course, made, outsider) -> None:
    """For a request within the bucket owner's account, S3's AccessDenied says who was refused, the action, the
    object's ARN and why: "because no identity-based policy allows the s3:GetObject action".
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples"""
    bucket, name = _bucket_with_object(course, made, "denial")
    message = eventually(course, lambda: refused(lambda: outsider.client("s3").get_object(Bucket=bucket, Key=name),
                                                 "AccessDenied"))
    assert message == s3_denial(outsider.arn, "s3:GetObject", f"arn:aws:s3:::{bucket}/{name}",
                                NO_IDENTITY_POLICY.format("s3:GetObject"))


@pytest.mark.behaviour("S3 names a bucket policy's Deny as an explicit deny in a resource-based policy")
def test_s3_bucket_policy_deny_is_named(course, made) -> None:
    """A bucket policy Deny refuses even an administrator of the account, and S3 says "with an explicit deny in a
    resource-based policy". https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples"""
    bucket, name = _bucket_with_object(course, made, "deny")
    colleague = course.colleague()
    s3 = course.client("s3")
    deny = {"Effect": "Deny", "Principal": {"AWS": colleague.arn}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny]}))
    made.cleanups.append(lambda: s3.delete_bucket_policy(Bucket=bucket))
    message = eventually(course, lambda: refused(lambda: colleague.client("s3").get_object(Bucket=bucket, Key=name),
                                                 "AccessDenied"))
    assert message == s3_denial(colleague.arn, "s3:GetObject", f"arn:aws:s3:::{bucket}/{name}",
                                "with an explicit deny in a resource-based policy")
