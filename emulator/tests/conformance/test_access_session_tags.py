"""Session tags: AssumeRole's Tags become the session's aws:PrincipalTag, when the trust policy allows sts:TagSession."""
from __future__ import annotations

import json

import pytest
from access_support import admin, eventually, key_policy, refused, statement

from kmsemu.sessions import new_session


def _role(course, made, actions: list[str]) -> str:
    """A role without policies whose trust policy lets the suite's account call `actions` on it."""
    iam, name = course.client("iam"), made.unique("tagged-role")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
                                                     "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    made.cleanups.append(lambda: iam.delete_role(RoleName=name))
    return str(arn)


def _kms_as(course, role_arn: str, tags: list[dict[str, str]]):
    """A KMS client acting as a session of the role that passed these session tags."""
    creds = course.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="tagged", Tags=tags)["Credentials"]
    session = new_session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                          aws_session_token=creds["SessionToken"], region_name=course.region)
    return session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)


@pytest.mark.behaviour("AssumeRole's session tags are the session's aws:PrincipalTag values")
def test_session_tags_are_principal_tags(course, made) -> None:
    """Tags passed to AssumeRole are principal tags of the session: a key policy allowing the role only with
    aws:PrincipalTag/team = blue admits a session tagged blue and refuses one tagged red.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html"""
    role_arn = _role(course, made, ["sts:AssumeRole", "sts:TagSession"])
    condition = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
    key = eventually(course, lambda: made.key(Policy=key_policy(admin(course), statement(role_arn, "kms:Encrypt",
                                                                                         condition=condition))))
    blue = eventually(course, lambda: _kms_as(course, role_arn, [{"Key": "team", "Value": "blue"}]))
    assert eventually(course, lambda: blue.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["KeyId"] == key["Arn"]
    red = _kms_as(course, role_arn, [{"Key": "team", "Value": "red"}])
    refused(lambda: red.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("Passing session tags needs sts:TagSession in the role's trust policy")
def test_session_tags_need_tag_session(course, made) -> None:
    """A trust policy allowing sts:AssumeRole but not sts:TagSession refuses an AssumeRole that passes Tags,
    and accepts the same call without them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html"""
    role_arn = _role(course, made, ["sts:AssumeRole"])
    sts = course.client("sts")
    eventually(course, lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="plain"))
    refused(lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="tagged", Tags=[{"Key": "team", "Value": "blue"}]),
            "AccessDenied")
