"""Stack events for every resource, and what a KMS resource that KMS refuses does to its stack."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest
from access_support import outsider  # noqa: F401  (fixture)
from cfn_support import YAML_TEMPLATE, Stack, stack  # noqa: F401  (fixture)
from resources import Resources

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def _events(stack: Stack) -> list[tuple[str, str, str]]:
    """(logical id, status, reason) for every event of the stack, oldest first."""
    pages = stack.cfn.get_paginator("describe_stack_events").paginate(StackName=stack.name)
    events = [e for page in pages for e in page["StackEvents"]]
    return [(e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason") or "") for e in reversed(events)]


def _key_only(policy: dict[str, Any], tags: list[dict[str, str]]) -> str:
    """A template with one key whose policy is `policy`."""
    return json.dumps({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
        "Description": "kmsemu conformance", "PendingWindowInDays": 7, "KeyPolicy": policy,
        "Tags": tags}}},
        "Outputs": {"KeyId": {"Value": {"Ref": "Key"}}}})


def _wait(stack: Stack) -> str:
    """Wait until the stack leaves *_IN_PROGRESS; return its status."""
    for _ in range(300):
        status = stack.cfn.describe_stacks(StackName=stack.name)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(2)
    return status


@pytest.mark.behaviour("Stack events list every resource's progress")
def test_events_for_every_resource(stack: Stack) -> None:
    """describe-stack-events has CREATE_IN_PROGRESS and CREATE_COMPLETE for each resource, and the alias starts
    only after the key it refers to is complete.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html
    """
    stack.create()
    events = _events(stack)
    for logical_id in ("Key", "DefaultWindowKey", "Alias"):
        statuses = [status for who, status, _ in events if who == logical_id]
        assert statuses[0] == "CREATE_IN_PROGRESS" and statuses[-1] == "CREATE_COMPLETE", (logical_id, statuses)
    order = [(who, status) for who, status, _ in events]
    assert order.index(("Key", "CREATE_COMPLETE")) < order.index(("Alias", "CREATE_IN_PROGRESS"))
    assert order[-1] == (stack.name, "CREATE_COMPLETE")


@pytest.mark.behaviour("A key policy that fails the lockout check fails the stack, which rolls back")
def test_lockout_policy_rolls_back(course: Any, made: Resources, outsider) -> None:
    """CloudFormation creates the key by calling CreateKey as you, so KMS's policy lockout safety check applies:
    a policy that does not let you change it later fails the key, and the stack ends ROLLBACK_COMPLETE.

    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
    """
    only_outsider = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": outsider.arn}, "Action": "kms:*", "Resource": "*"}]}
    failing = Stack(course, made, _key_only(only_outsider, course.tags()))
    failing.cfn.create_stack(StackName=failing.name, TemplateBody=failing.body)
    try:
        assert _wait(failing) == "ROLLBACK_COMPLETE"
        failed = [(who, reason) for who, status, reason in _events(failing) if status == "CREATE_FAILED"]
        assert len(failed) == 1 and failed[0][0] == "Key" and LOCKOUT in failed[0][1]
        assert failing.cfn.describe_stack_resources(StackName=failing.name)["StackResources"] == []
    finally:
        failing.delete()


@pytest.mark.behaviour("A failed alias rolls the stack back and schedules deletion of the key it created")
def test_failed_alias_rolls_back_the_key(course: Any, kms: Any, made: Resources) -> None:
    """An alias under alias/aws/ is refused by KMS; rolling back deletes what the stack created, so the new key
    goes to PendingDeletion for its PendingWindowInDays.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html
    """
    failing = Stack(course, made, YAML_TEMPLATE)
    failing.alias = "alias/aws/" + made.unique("reserved")
    failing.cfn.create_stack(StackName=failing.name, TemplateBody=failing.body, Parameters=failing.params())
    try:
        assert _wait(failing) == "ROLLBACK_COMPLETE"
        events = _events(failing)
        assert [who for who, status, _ in events if status == "CREATE_FAILED"] == ["Alias"]
        assert sorted(who for who, status, _ in events if status == "DELETE_COMPLETE") == ["DefaultWindowKey", "Key"]
        pages = failing.cfn.get_paginator("describe_stack_events").paginate(StackName=failing.name)
        key_ids = {e["PhysicalResourceId"] for page in pages for e in page["StackEvents"]
                   if e["ResourceStatus"] == "DELETE_COMPLETE"}
        assert len(key_ids) == 2
        for key_id in key_ids:
            assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    finally:
        failing.delete()


@pytest.mark.behaviour("A failed update rolls back to the previous template")
def test_failed_update_rolls_back(course: Any, kms: Any, made: Resources, outsider) -> None:
    """Updating KeyPolicy calls PutKeyPolicy as you; a lockout policy fails the key (UPDATE_FAILED), and the stack
    ends UPDATE_ROLLBACK_COMPLETE with the key and its policy as they were.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks.html
    """
    root = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
            "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    only_outsider = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": outsider.arn}, "Action": "kms:*", "Resource": "*"}]}
    updating = Stack(course, made, _key_only(root, course.tags()))
    key_id = updating.create()["KeyId"]
    before = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    try:
        updating.cfn.update_stack(StackName=updating.name, TemplateBody=_key_only(only_outsider, course.tags()))
        assert _wait(updating) == "UPDATE_ROLLBACK_COMPLETE"
        failed = [(who, reason) for who, status, reason in _events(updating) if status == "UPDATE_FAILED"]
        assert len(failed) == 1 and failed[0][0] == "Key" and LOCKOUT in failed[0][1]
        assert updating.outputs() == {"KeyId": key_id}
        assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == json.loads(before)
    finally:
        updating.delete()


@pytest.mark.behaviour("CloudFormation's KMS calls have aws:ViaAWSService true: an IAM Deny on it fails a stack's key")
def test_via_aws_service_deny_fails_a_stack_key(course: Any, made: Resources) -> None:
    """CloudFormation makes a resource's calls with a forward access session of the caller, so aws:ViaAWSService is
    true on them: a user whose IAM policy denies kms:CreateKey when aws:ViaAWSService is true may create a key
    directly, but a stack of theirs with an AWS::KMS::Key fails the key and rolls back.
    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html"""
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "kms:CreateKey", "Resource": "*",
                                                    "Condition": {"Bool": {"aws:ViaAWSService": "true"}}}]}
    user = course.member("no-stack-keys", policy_arns=("arn:aws:iam::aws:policy/AdministratorAccess",),
                         inline={"no-stack-keys": json.dumps(deny)})
    kms = user.client("kms")
    direct = kms.create_key(Description=made.unique("direct"), Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
    made.keys.append(direct["KeyId"])
    root = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*",
            "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}}]}
    failing = Stack(course, made, _key_only(root, course.tags()))
    failing.cfn = user.client("cloudformation")
    failing.cfn.create_stack(StackName=failing.name, TemplateBody=failing.body)
    try:
        assert _wait(failing) == "ROLLBACK_COMPLETE"
        assert [who for who, status, _ in _events(failing) if status == "CREATE_FAILED"] == ["Key"]
    finally:
        failing.delete()
