"""Attribute-based access: policy variables, principal, resource and request tags, aliases and KMS request keys.

Tag and alias changes are access decisions: retagging a key or moving an alias can grant or take away access.
"""
from __future__ import annotations

import json

import pytest
from access_support import eventually, refused
from botocore.exceptions import ClientError


def _policy(*statements: dict, version: str | None = "2012-10-17") -> str:
    document: dict = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return json.dumps(document)


def _allow(actions: str | list[str], resource: str = "*", condition: dict | None = None) -> dict:
    found = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if condition:
        found["Condition"] = condition
    return found


def _true(value: bool) -> bool:
    assert value, "not allowed (yet)"
    return value


@pytest.mark.behaviour("${aws:username} in a Resource and ${aws:userid} in a condition are the caller's own values")
def test_username_variable_in_resource(course, made) -> None:
    """In a Version 2012-10-17 policy, ${aws:username} in Resource and ${aws:userid} in a condition value are
    replaced by the caller's values, so one policy lets each user read only their own user.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    own = _allow("iam:GetUser", f"arn:aws:iam::{course.account_id}:user/${{aws:username}}",
                 {"StringEquals": {"aws:userid": "${aws:userid}"}})
    member = course.member("abac-self", inline={"self": _policy(own)})
    other = course.colleague()
    iam = member.client("iam")
    assert eventually(course, lambda: iam.get_user(UserName=member.user_name))["User"]["Arn"] == member.arn
    refused(lambda: iam.get_user(UserName=other.user_name), "AccessDenied")


@pytest.mark.behaviour("IAM refuses policy variables in a policy older than Version 2012-10-17")
def test_variables_need_the_2012_version(course) -> None:
    """Policy variables exist only in the 2012-10-17 policy language; IAM refuses an identity policy of an older
    Version that uses one (MalformedPolicyDocument). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    member = course.member("abac-old-version")
    old = _policy(_allow("iam:GetUser", "arn:aws:iam::*:user/${aws:username}"), version="2008-10-17")
    refused(lambda: course.client("iam").put_user_policy(UserName=member.user_name, PolicyName="old", PolicyDocument=old),
            "MalformedPolicyDocument")


@pytest.mark.behaviour("aws:ResourceTag matched to ${aws:PrincipalTag/...}: retagging a key grants or revokes access")
def test_tags_decide_access_and_retagging_changes_it(course, made) -> None:
    """ABAC for KMS: an IAM policy allowing kms:Encrypt where aws:ResourceTag/team equals ${aws:PrincipalTag/team}
    (in the caller's own account, ${aws:PrincipalAccount}) lets a user tagged team=blue use blue keys only;
    retagging a key changes who may use it.
    https://docs.aws.amazon.com/kms/latest/developerguide/abac.html and
    https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html"""
    same_team = {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}",
                                  "aws:ResourceAccount": "${aws:PrincipalAccount}"}}
    member = course.member("abac-blue", inline={"team": _policy(_allow("kms:Encrypt", "*", same_team))})
    course.client("iam").tag_user(UserName=member.user_name, Tags=[{"Key": "team", "Value": "blue"}])
    blue, red = made.key(), made.key()
    kms = course.client("kms")
    kms.tag_resource(KeyId=blue["KeyId"], Tags=[{"TagKey": "team", "TagValue": "blue"}])
    kms.tag_resource(KeyId=red["KeyId"], Tags=[{"TagKey": "team", "TagValue": "red"}])
    theirs = member.client("kms")
    assert eventually(course, lambda: theirs.encrypt(KeyId=blue["KeyId"], Plaintext=b"x"))["KeyId"] == blue["Arn"]
    refused(lambda: theirs.encrypt(KeyId=red["KeyId"], Plaintext=b"x"), "AccessDeniedException")
    kms.tag_resource(KeyId=red["KeyId"], Tags=[{"TagKey": "team", "TagValue": "blue"}])
    assert eventually(course, lambda: theirs.encrypt(KeyId=red["KeyId"], Plaintext=b"x"))["KeyId"] == red["Arn"]
    kms.untag_resource(KeyId=blue["KeyId"], TagKeys=["team"])
    eventually(course, lambda: refused(lambda: theirs.encrypt(KeyId=blue["KeyId"], Plaintext=b"x"), "AccessDeniedException"))


@pytest.mark.behaviour("kms:ResourceAliases: creating or deleting an alias grants or revokes access")
def test_aliases_decide_access(course, made) -> None:
    """kms:ResourceAliases holds the aliases of the key acted on, so a policy on alias names lets a principal use a
    key only while the key has such an alias. https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html"""
    prefix = course.name("abac-alias-")
    by_alias = {"ForAnyValue:StringLike": {"kms:ResourceAliases": f"alias/{prefix}*"}}
    member = course.member("abac-alias", inline={"alias": _policy(_allow("kms:Encrypt", "*", by_alias))})
    key = made.key()
    theirs = member.client("kms")
    eventually(course, lambda: refused(lambda: theirs.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException"))
    alias = f"alias/{made.unique('abac-alias')}"
    course.client("kms").create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    made.aliases.append(alias)
    assert eventually(course, lambda: theirs.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))["KeyId"] == key["Arn"]
    course.client("kms").delete_alias(AliasName=alias)
    made.aliases.remove(alias)
    eventually(course, lambda: refused(lambda: theirs.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException"))


@pytest.mark.behaviour("kms:RequestAlias allows a call only when it names the key by that alias")
def test_request_alias(course, made) -> None:
    """kms:RequestAlias is the alias the request used to name the key: a policy on it allows calls through that alias
    and refuses the same key named by its id. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-request-alias"""
    key = made.key()
    alias = made.alias(key["KeyId"])
    member = course.member("abac-request-alias", inline={"alias": _policy(
        _allow("kms:Encrypt", "*", {"StringEquals": {"kms:RequestAlias": alias}}))})
    theirs = member.client("kms")
    assert eventually(course, lambda: theirs.encrypt(KeyId=alias, Plaintext=b"x"))["KeyId"] == key["Arn"]
    refused(lambda: theirs.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("aws:RequestTag, aws:TagKeys, kms:KeySpec and kms:KeyOrigin decide CreateKey")
def test_create_key_request_conditions(course, made) -> None:
    """CreateKey can be limited by the tags it sets (aws:RequestTag/<key>, aws:TagKeys) and the key it makes
    (kms:KeySpec, kms:KeyOrigin). https://docs.aws.amazon.com/kms/latest/developerguide/tag-authorization.html and
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-key-spec"""
    condition = {"StringEquals": {"aws:RequestTag/team": "blue", "kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyOrigin": "AWS_KMS"},
                 "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "kmsemu:conformance"]}}
    member = course.member("abac-create", inline={"create": _policy(_allow("kms:CreateKey", "*", condition))})
    theirs = member.client("kms")
    tags = [{"TagKey": "team", "TagValue": "blue"}, *course.tags("TagKey", "TagValue")]

    def create(**extra) -> bool:
        args = {"KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "Tags": tags, "Description": made.unique("abac"), **extra}
        try:
            made.keys.append(theirs.create_key(**args)["KeyMetadata"]["KeyId"])
            return True
        except ClientError as error:
            assert error.response["Error"]["Code"] == "AccessDeniedException", error.response["Error"]
            return False

    assert eventually(course, lambda: _true(create()))
    assert not create(Tags=[{"TagKey": "team", "TagValue": "red"}, *course.tags("TagKey", "TagValue")])
    assert not create(Tags=[*tags, {"TagKey": "extra", "TagValue": "x"}])
    assert not create(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")


@pytest.mark.behaviour("kms:ScheduleKeyDeletionPendingWindowInDays limits the deletion window a caller may choose")
def test_pending_window_condition(course, made) -> None:
    """A Deny on kms:ScheduleKeyDeletion with NumericLessThan kms:ScheduleKeyDeletionPendingWindowInDays 30 refuses
    shorter windows and allows 30 days. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-schedule-key-deletion-pending-window-in-days"""
    deny = {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*",
            "Condition": {"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "30"}}}
    member = course.member("abac-window", inline={"window": _policy(_allow(["kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]), deny)})
    key = made.key()
    theirs = member.client("kms")
    eventually(course, lambda: refused(lambda: theirs.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7),
                                       "AccessDeniedException"))
    assert theirs.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=30)["KeyState"] == "PendingDeletion"
    theirs.cancel_key_deletion(KeyId=key["KeyId"])
