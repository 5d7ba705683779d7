"""Permissions boundaries: a managed policy caps what a user's or role's identity-based policies allow."""
from __future__ import annotations

import json

import pytest
from access_support import DESCRIBE_ONLY, admin, denial, eventually, key_policy, refused, statement
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


def _bounded_role(course, made, boundary: str) -> dict:
    """A role of the account with no identity-based policy at all, bounded by `boundary`, that the account may assume."""
    iam, name = course.client("iam"), made.unique("rbp-role")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags(),
                           PermissionsBoundary=boundary)["Role"]
    made.cleanups += [lambda: iam.delete_role(RoleName=name), lambda: iam.delete_role_permissions_boundary(RoleName=name)]
    return dict(role)


def _session_kms(course, role_arn: str, session_name: str):
    """A KMS client acting as a new session of the role."""
    creds = eventually(course, lambda: course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name))
    session = new_session(aws_access_key_id=creds["Credentials"]["AccessKeyId"],
                          aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
                          aws_session_token=creds["Credentials"]["SessionToken"], region_name=course.region)
    return session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)


@pytest.mark.behaviour("A key policy naming a bounded user's ARN grants beyond the user's boundary")
def test_key_policy_naming_user_is_not_limited_by_boundary(course, made) -> None:
    """Within an account, a resource-based policy that names an IAM user's ARN grants it the action even when the
    user's permissions boundary (and its identity-based policies) leave the action out: a user with no policies and a
    boundary allowing only kms:DescribeKey may encrypt with a key whose policy names the user.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    iam, boundary = course.client("iam"), _boundary(course, made)
    user = course.member(made.unique("rbp-user")[len(course.prefix):])
    iam.put_user_permissions_boundary(UserName=user.user_name, PermissionsBoundary=boundary)
    made.cleanups.append(lambda: iam.delete_user_permissions_boundary(UserName=user.user_name))
    key = made.key(Policy=key_policy(admin(course), statement(user.arn, "kms:Encrypt")))
    blob = eventually(course, lambda: user.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["CiphertextBlob"]
    assert blob


@pytest.mark.behaviour("A key policy naming a bounded role's ARN grants its sessions only what the boundary allows")
def test_key_policy_naming_role_is_limited_by_boundary(course, made) -> None:
    """Within an account, a resource-based policy that names an IAM role's ARN is limited by an implicit deny in the
    role's permissions boundary: a session of a role with no identity-based policies, bounded to kms:DescribeKey, is
    refused kms:Encrypt by a key policy naming the role, and allowed once the boundary allows kms:Encrypt too (the
    key policy grants it then, with no identity-based policy at all).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    and https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    iam, boundary = course.client("iam"), _boundary(course, made)
    role = _bounded_role(course, made, boundary)
    key = made.key(Policy=key_policy(admin(course), statement(role["Arn"], ["kms:Encrypt", "kms:DescribeKey"])))
    kms = _session_kms(course, role["Arn"], "bounded")
    eventually(course, lambda: refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException"))
    wider = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:DescribeKey", "kms:Encrypt"],
                                                     "Resource": "*"}]}
    iam.create_policy_version(PolicyArn=boundary, PolicyDocument=json.dumps(wider), SetAsDefault=True)
    made.cleanups.append(lambda: iam.delete_policy_version(PolicyArn=boundary, VersionId="v1"))  # before the policy
    assert eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["KeyId"] == key["Arn"]


@pytest.mark.behaviour("A key policy naming a role session's ARN grants that session beyond the role's boundary")
def test_key_policy_naming_session_is_not_limited_by_boundary(course, made) -> None:
    """Within an account, a resource-based policy that names a role session's ARN (arn:aws:sts::<account>:assumed-role/
    <role>/<session>) grants the permission directly to that session, unlimited by the role's permissions boundary
    or identity-based policies: the bounded session may encrypt, and another session of the same role may not.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    role = _bounded_role(course, made, _boundary(course, made))
    session_arn = f"arn:aws:sts::{course.account_id}:assumed-role/{role['RoleName']}/named"
    key = made.key(Policy=key_policy(admin(course), statement(session_arn, "kms:Encrypt")))
    kms = _session_kms(course, role["Arn"], "named")
    assert eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["KeyId"] == key["Arn"]
    other = _session_kms(course, role["Arn"], "other")
    refused(lambda: other.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("A key policy naming a role's ARN grants a session only what its session policy allows")
def test_key_policy_naming_role_is_limited_by_session_policy(course, made) -> None:
    """A resource-based policy that names an IAM role's ARN is limited by an implicit deny in the session policy an
    AssumeRole passed: with a key policy allowing the role kms:Encrypt (and no identity-based policy), a session made
    with a session policy allowing only kms:DescribeKey is refused, and a session made without one may encrypt.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    and https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    iam, name = course.client("iam"), made.unique("rbp-session")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    key = made.key(Policy=key_policy(admin(course), statement(role["Arn"], "kms:Encrypt")))
    creds = eventually(course, lambda: course.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="narrow", Policy=json.dumps(DESCRIBE_ONLY))["Credentials"])
    narrow = new_session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=course.region)
    message = refused(lambda: narrow.client("kms", region_name=course.region, endpoint_url=course.endpoint_url).encrypt(
        KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
    assert message.endswith("because no session policy allows the kms:Encrypt action")
    kms = _session_kms(course, role["Arn"], "wide")
    assert eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["KeyId"] == key["Arn"]


@pytest.mark.behaviour("GetUser reports a user's permissions boundary; ListUsers leaves it out")
def test_get_user_reports_the_boundary(course, made) -> None:
    """PutUserPermissionsBoundary sets a user's boundary, which GetUser reports as PermissionsBoundary
    (PermissionsBoundaryType PermissionsBoundaryPolicy and the policy's ARN) until DeleteUserPermissionsBoundary;
    ListUsers never returns PermissionsBoundary. https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
    and https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html"""
    iam, boundary = course.client("iam"), _boundary(course, made)
    user = course.member(made.unique("reported")[len(course.prefix):])
    assert "PermissionsBoundary" not in iam.get_user(UserName=user.user_name)["User"]
    iam.put_user_permissions_boundary(UserName=user.user_name, PermissionsBoundary=boundary)
    made.cleanups.append(lambda: iam.delete_user_permissions_boundary(UserName=user.user_name))
    reported = eventually(course, lambda: iam.get_user(UserName=user.user_name)["User"]["PermissionsBoundary"])
    assert reported == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}
    listed = [u for page in iam.get_paginator("list_users").paginate() for u in page["Users"] if u["UserName"] == user.user_name]
    assert len(listed) == 1 and "PermissionsBoundary" not in listed[0]
    iam.delete_user_permissions_boundary(UserName=user.user_name)
    assert "PermissionsBoundary" not in eventually(course, lambda: _unbounded(iam, user.user_name))


def _unbounded(iam, name: str) -> dict:
    """GetUser's User once it reports no boundary (IAM changes take a moment on AWS)."""
    found = iam.get_user(UserName=name)["User"]
    assert "PermissionsBoundary" not in found
    return dict(found)
