"""Service control policies on member accounts: they cap every principal there, and never the management account."""
from __future__ import annotations

import json

import pytest
from access_support import eventually, refused
from accounts_support import management_only, member, organization_root  # noqa: F401  (fixtures)
from botocore.exceptions import ClientError

from kmsemu.sessions import new_session

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
SCP = "SERVICE_CONTROL_POLICY"


def _scps_enabled(course, made) -> None:
    """Enable the SCP policy type on the root for this test (disabled again afterwards when it was off)."""
    org, root = course.client("organizations"), organization_root(course)
    try:
        org.enable_policy_type(RootId=root, PolicyType=SCP)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "PolicyTypeAlreadyEnabledException":
            raise
        return
    made.cleanups.insert(0, lambda: org.disable_policy_type(RootId=root, PolicyType=SCP))


def _deny_deletion(course, made, target: str, exempt: str) -> None:
    """Attach an SCP denying kms:ScheduleKeyDeletion to everyone but roles named `exempt` (ArnNotLike aws:PrincipalArn)."""
    _attach_scp(course, made, target, {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
                                        "Condition": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{exempt}"}}})


def _attach_scp(course, made, target: str, statement: dict) -> None:
    """Attach an SCP made of this one statement to `target` (removed after the test)."""
    org = course.client("organizations")
    document = {"Version": "2012-10-17", "Statement": [statement]}
    policy_id = org.create_policy(Name=made.unique("scp"), Description="kmsemu conformance", Type=SCP,
                                  Content=json.dumps(document))["Policy"]["PolicySummary"]["Id"]
    made.cleanups.append(lambda: org.delete_policy(PolicyId=policy_id))
    org.attach_policy(PolicyId=policy_id, TargetId=target)
    made.cleanups.append(lambda: org.detach_policy(PolicyId=policy_id, TargetId=target))


def _break_glass_role(course, member, name: str) -> str:
    """A role of the member account with AdministratorAccess that the suite's account may assume."""
    iam = member.client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN)
    member.cleanups.append(lambda: iam.delete_role(RoleName=name))
    member.cleanups.append(lambda: iam.detach_role_policy(RoleName=name, PolicyArn=ADMIN))
    return str(arn)


@pytest.mark.behaviour("An SCP denying kms:ScheduleKeyDeletion refuses a member account's administrators except the exempt role")
def test_scp_denies_deletion_except_break_glass(course, made, member) -> None:
    """An SCP caps what principals of a member account may do, administrators included: a Deny of
    kms:ScheduleKeyDeletion with ArnNotLike aws:PrincipalArn refuses the account's OrganizationAccountAccessRole
    session "with an explicit deny in a service control policy", while the exempt break-glass role may delete.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    management_only(course)
    exempt = made.unique("break-glass")
    role_arn = _break_glass_role(course, member, exempt)
    _scps_enabled(course, made)
    _deny_deletion(course, made, member.account_id, exempt)
    key = member.client("kms").create_key(Description=made.unique("scp-key"),
                                          Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
    message = eventually(course, lambda: refused(
        lambda: member.client("kms").schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7),
        "AccessDeniedException"))
    assert "with an explicit deny in a service control policy" in message
    creds = course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="break-glass")["Credentials"]
    glass = new_session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"], region_name=course.region)
    kms = glass.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)
    assert eventually(course, lambda: kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7))["KeyState"] \
        == "PendingDeletion"


@pytest.mark.behaviour("SCPs never limit the management account, even one attached to it")
def test_scp_does_not_affect_management_account(course, made, member) -> None:
    """SCPs do not affect users or roles in the management account; a deny SCP attached to it changes nothing.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    management_only(course)
    _scps_enabled(course, made)
    _deny_deletion(course, made, course.account_id, made.unique("nobody"))
    key = made.key()
    assert course.client("kms").schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)["KeyState"] \
        == "PendingDeletion"


@pytest.mark.behaviour("IAM's AccessDenied for a call an SCP denies says so")
def test_scp_denial_of_an_iam_call(course, made, member) -> None:
    """A member account's administrator calling an IAM action that an SCP denies is refused with AccessDenied
    "User: <arn> is not authorized to perform: iam:CreateUser on resource: <user ARN> with an explicit deny in a
    service control policy". https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html and
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    management_only(course)
    _scps_enabled(course, made)
    _attach_scp(course, made, member.account_id, {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"})
    name, caller = made.unique("scp-user"), member.arn
    message = eventually(course, lambda: refused(lambda: member.client("iam").create_user(UserName=name), "AccessDenied"))
    assert message == (f"User: {caller} is not authorized to perform: iam:CreateUser on resource: "
                       f"arn:aws:iam::{member.account_id}:user/{name} with an explicit deny in a service control policy")


@pytest.mark.behaviour("S3's AccessDenied for a call an SCP denies says so")
def test_scp_denial_of_an_s3_call(course, made, member) -> None:
    """A member account's administrator writing to its own account's bucket, with an SCP denying s3:PutObject, is
    refused with AccessDenied "User: <arn> is not authorized to perform: s3:PutObject on resource: "<object ARN>"
    with an explicit deny in a service control policy".
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples"""
    management_only(course)
    s3, bucket = member.client("s3"), made.unique("scp-bucket")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    s3.create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: s3.delete_bucket(Bucket=bucket))
    _scps_enabled(course, made)
    _attach_scp(course, made, member.account_id, {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"})
    caller = member.arn
    message = eventually(course, lambda: refused(lambda: s3.put_object(Bucket=bucket, Key="x.txt", Body=b"x"), "AccessDenied"))
    assert message == (f'User: {caller} is not authorized to perform: s3:PutObject on resource: '
                       f'"arn:aws:s3:::{bucket}/x.txt" with an explicit deny in a service control policy')


@pytest.mark.behaviour("KMS's AccessDenied when no SCP at the account's level allows the action")
def test_scp_without_an_allow_refuses(course, made, member) -> None:
    """Every level from the root to the account must have an SCP allowing the action: with the member account's
    FullAWSAccess replaced by an SCP allowing everything but kms:ScheduleKeyDeletion (NotAction), its administrator
    is refused "because no service control policy allows the kms:ScheduleKeyDeletion action", and may still
    describe the key. https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
    and https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"""
    management_only(course)
    _scps_enabled(course, made)
    org, kms = course.client("organizations"), member.client("kms")
    key = kms.create_key(Description=made.unique("no-allow"), Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
    made.cleanups.append(lambda: kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7))  # after the reattach
    _attach_scp(course, made, member.account_id, {"Effect": "Allow", "NotAction": "kms:ScheduleKeyDeletion", "Resource": "*"})
    org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=member.account_id)
    made.cleanups.append(lambda: org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=member.account_id))
    caller = member.arn
    message = eventually(course, lambda: refused(lambda: kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7),
                                                 "AccessDeniedException"))
    assert message == (f"User: {caller} is not authorized to perform: kms:ScheduleKeyDeletion on resource: {key['Arn']} "
                       "because no service control policy allows the kms:ScheduleKeyDeletion action")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
