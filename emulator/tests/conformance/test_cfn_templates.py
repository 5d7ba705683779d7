"""Template features beyond KMS resources: AWS::NoValue in lists, an IAM role's managed policies, an IAM user's properties."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest
from access_support import eventually, refused
from resources import Resources

from kmsemu.sessions import new_session

NEVER = {"Never": {"Fn::Equals": ["a", "b"]}}
"""A condition that is always false, so `Fn::If [Never, x, AWS::NoValue]` is always AWS::NoValue."""
NO_VALUE = {"Ref": "AWS::NoValue"}


def _trust(course: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "sts:AssumeRole"}]}


def _stack(course: Any, made: Resources, template: dict[str, Any]) -> tuple[Any, str]:
    """Create a stack from `template` (deleted with the test); return the client and the stack name once it settles."""
    cfn, name = course.client("cloudformation"), made.unique("stack")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"], Tags=course.tags())
    made.cleanups.append(lambda: cfn.delete_stack(StackName=name))
    for _ in range(300):
        if not cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"].endswith("_IN_PROGRESS"):
            break
        time.sleep(2)
    return cfn, name


def _resource(cfn: Any, name: str, logical_id: str) -> str:
    return str(cfn.describe_stack_resource(StackName=name, LogicalResourceId=logical_id)["StackResourceDetail"]["PhysicalResourceId"])


@pytest.mark.behaviour("AWS::NoValue from Fn::If removes the element from a list property")
def test_no_value_leaves_a_list(course: Any, kms: Any, made: Resources) -> None:
    """AWS::NoValue as the value of Fn::If removes what it stands for: inside a list (a key's Tags), that element, so
    the key gets only the other tags.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
    """
    tags = [*course.tags(), {"Fn::If": ["Never", {"Key": "only-if", "Value": "never"}, NO_VALUE]}]
    key = {"Type": "AWS::KMS::Key", "Properties": {"PendingWindowInDays": 7, "Tags": tags, "KeyPolicy": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
                                                 "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}}}
    cfn, name = _stack(course, made, {"Conditions": NEVER, "Resources": {"Key": key}})
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    found = kms.list_resource_tags(KeyId=_resource(cfn, name, "Key"))["Tags"]
    assert found == course.tags("TagKey", "TagValue")


@pytest.mark.behaviour("An IAM role's ManagedPolicyArns are attached to it")
def test_role_managed_policies_attached(course: Any, made: Resources) -> None:
    """AWS::IAM::Role attaches each policy in ManagedPolicyArns to the role it creates (an Fn::If entry that is
    AWS::NoValue attaches nothing).

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
    """
    arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", {"Fn::If": ["Never", "arn:aws:iam::aws:policy/AdministratorAccess", NO_VALUE]}]
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": _trust(course), "ManagedPolicyArns": arns}}
    cfn, name = _stack(course, made, {"Conditions": NEVER, "Resources": {"Role": role}})
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    attached = course.client("iam").list_attached_role_policies(RoleName=_resource(cfn, name, "Role"))["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


@pytest.mark.behaviour("An IAM role naming a managed policy that does not exist fails its stack, which rolls back")
def test_role_missing_managed_policy_fails(course: Any, made: Resources) -> None:
    """A ManagedPolicyArns entry that names no policy fails the role (CREATE_FAILED, the reason naming the policy),
    and the stack rolls back.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
    """
    missing = f"arn:aws:iam::{course.account_id}:policy/{made.unique('no-such-policy')}"
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": _trust(course), "ManagedPolicyArns": [missing]}}
    cfn, name = _stack(course, made, {"Resources": {"Role": role}})
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "ROLLBACK_COMPLETE"
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    failed = [e for e in events if e["LogicalResourceId"] == "Role" and e["ResourceStatus"] == "CREATE_FAILED"]
    assert failed and missing in failed[0].get("ResourceStatusReason", "")


def _update(cfn: Any, name: str, template: dict[str, Any]) -> str:
    """Update the stack to `template`; return its status once it settles."""
    cfn.update_stack(StackName=name, TemplateBody=json.dumps(template), Capabilities=["CAPABILITY_IAM"])
    for _ in range(300):
        status = str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(2)
    return status


def _role_template(course: Any, arns: list[str]) -> dict[str, Any]:
    return {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": _trust(course), "ManagedPolicyArns": arns}}}}


@pytest.mark.behaviour("A stack update that changes a role's ManagedPolicyArns attaches the added and detaches the removed")
def test_role_managed_policies_updated(course: Any, made: Resources) -> None:
    """ManagedPolicyArns is updated with no interruption: the same role gets the policies the new template adds and
    loses the ones it removes.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
    """
    read_only, power_user = "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"
    cfn, name = _stack(course, made, _role_template(course, [read_only]))
    role = _resource(cfn, name, "Role")
    assert _update(cfn, name, _role_template(course, [power_user])) == "UPDATE_COMPLETE"
    assert _resource(cfn, name, "Role") == role
    attached = course.client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [power_user]


@pytest.mark.behaviour("A stack update adding a managed policy that does not exist fails the role and rolls back")
def test_role_update_missing_policy_fails(course: Any, made: Resources) -> None:
    """An update whose ManagedPolicyArns names no policy fails the role (UPDATE_FAILED, the reason naming the policy);
    the stack ends UPDATE_ROLLBACK_COMPLETE and the role keeps the policies it had.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
    """
    read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    missing = f"arn:aws:iam::{course.account_id}:policy/{made.unique('no-such-policy')}"
    cfn, name = _stack(course, made, _role_template(course, [read_only]))
    assert _update(cfn, name, _role_template(course, [missing])) == "UPDATE_ROLLBACK_COMPLETE"
    pages = cfn.get_paginator("describe_stack_events").paginate(StackName=name)
    failed = [e for page in pages for e in page["StackEvents"]
              if e["LogicalResourceId"] == "Role" and e["ResourceStatus"] == "UPDATE_FAILED"]
    assert failed and missing in failed[0].get("ResourceStatusReason", "")
    role = _resource(cfn, name, "Role")
    attached = course.client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [read_only]


@pytest.mark.behaviour("An IAM user's Tags, ManagedPolicyArns and PermissionsBoundary are applied to it")
def test_user_tags_policies_and_boundary(course: Any, made: Resources) -> None:
    """AWS::IAM::User tags the user it creates, attaches each policy in ManagedPolicyArns and sets its
    PermissionsBoundary: here AdministratorAccess bounded by a policy that allows only kms:DescribeKey.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-user.html
    """
    describe_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"}]}
    template = {"Resources": {
        "Boundary": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": describe_only}},
        "User": {"Type": "AWS::IAM::User", "Properties": {
            "ManagedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            "PermissionsBoundary": {"Ref": "Boundary"},
            "Tags": [{"Key": "team", "Value": "blue"}, *course.tags()]}}}}
    cfn, name = _stack(course, made, template)
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    iam, user = course.client("iam"), _resource(cfn, name, "User")
    assert {"Key": "team", "Value": "blue"} in iam.list_user_tags(UserName=user)["Tags"]
    attached = iam.list_attached_user_policies(UserName=user)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    made.cleanups.append(lambda: iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"]))
    session = new_session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                          region_name=course.region)
    theirs = session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)
    target = made.key()
    eventually(course, lambda: theirs.describe_key(KeyId=target["KeyId"]))
    refused(lambda: theirs.encrypt(KeyId=target["KeyId"], Plaintext=b"x"), "AccessDeniedException")
