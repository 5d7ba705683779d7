"""Permissions boundaries: a managed policy caps what a user's or role's identity-based policies allow."""
from __future__ import annotations

import json

import pytest
from access_support import denial, eventually, refused
from access_support import describe_only_boundary as _boundary

from kmsemu.sessions import new_session

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
WHY = "because no permissions boundary allows the kms:Encrypt action"


@pytest.mark.behaviour("A permissions boundary on a user caps its AdministratorAccess")
def test_user_boundary_caps_identity_policies(course, made) -> None:
    """A user allowed everything by AdministratorAccess, with a boundary allowing only kms:DescribeKey, may
    describe a key but not encrypt with it: the action must be allowed by both.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    iam, boundary = course.client("iam"), _boundary(course, made)
    user = course.member(made.unique("bounded")[len(course.prefix):], policy_arns=(ADMIN,))
    iam.put_user_permissions_boundary(UserName=user.user_name, PermissionsBoundary=boundary)
    made.cleanups.append(lambda: iam.delete_user_permissions_boundary(UserName=user.user_name))
    key = made.key()
    kms = user.client("kms")
    message = eventually(course, lambda: refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
                                                 "AccessDeniedException"))
    assert message == denial(user.arn, "kms:Encrypt", key["Arn"], WHY)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]


@pytest.mark.behaviour("A permissions boundary on a role caps its sessions")
def test_role_boundary_caps_sessions(course, made) -> None:
    """PutRolePermissionsBoundary bounds every session of the role the same way.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    iam, boundary, name = course.client("iam"), _boundary(course, made), made.unique("bounded-role")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN)
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=boundary)
    made.cleanups += [lambda: iam.delete_role(RoleName=name), lambda: iam.detach_role_policy(RoleName=name, PolicyArn=ADMIN),
                      lambda: iam.delete_role_permissions_boundary(RoleName=name)]
    key = made.key()
    creds = eventually(course, lambda: course.client("sts").assume_role(RoleArn=arn, RoleSessionName="bounded"))
    session = new_session(aws_access_key_id=creds["Credentials"]["AccessKeyId"],
                          aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
                          aws_session_token=creds["Credentials"]["SessionToken"], region_name=course.region)
    kms = session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)
    message = eventually(course, lambda: refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
                                                 "AccessDeniedException"))
    assert message.endswith(WHY)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyId"] == key["KeyId"]
