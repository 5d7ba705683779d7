"""Stack updates of AWS::KMS::Key and ::Alias: properties a key keeps for life, and an alias removed and added back."""
from __future__ import annotations

import json
import time
from typing import Any

import pytest
import yaml
from cfn_support import Stack, _Loader, stack  # noqa: F401  (fixture)
from resources import Resources


def _key_template(tags: list[dict[str, str]], **properties: Any) -> str:
    """A template with one key (the account-root policy) and these extra properties."""
    return json.dumps({"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {
        "Description": "kmsemu conformance", "PendingWindowInDays": 7, **properties,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "kms:*", "Resource": "*",
            "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}}]},
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


@pytest.mark.parametrize("changed", [
    {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
    {"KeyUsage": "GENERATE_VERIFY_MAC", "KeySpec": "HMAC_256"},
    {"Origin": "EXTERNAL"},
    {"MultiRegion": True},
], ids=["KeySpec", "KeyUsage", "Origin", "MultiRegion"])
@pytest.mark.behaviour("Changing KeySpec, KeyUsage, Origin or MultiRegion of a stack's key fails the update")
def test_immutable_key_property_fails_the_update(course: Any, kms: Any, made: Resources, changed: dict[str, Any]) -> None:
    """A stack update that changes a property the key keeps for life does not replace the key: the update fails
    (whatever UpdateReplacePolicy says), the stack ends UPDATE_ROLLBACK_COMPLETE, and the same key stays, unchanged.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html
    """
    updating = Stack(course, made, _key_template(course.tags()))
    updating.cfn.create_stack(StackName=updating.name, TemplateBody=updating.body)
    try:
        assert _wait(updating) == "CREATE_COMPLETE"
        key_id = updating.outputs()["KeyId"]
        updating.cfn.update_stack(StackName=updating.name, TemplateBody=_key_template(course.tags(), **changed))
        assert _wait(updating) == "UPDATE_ROLLBACK_COMPLETE"
        pages = updating.cfn.get_paginator("describe_stack_events").paginate(StackName=updating.name)
        failed = [e["LogicalResourceId"] for page in pages for e in page["StackEvents"] if e["ResourceStatus"] == "UPDATE_FAILED"]
        assert failed == ["Key"]
        assert updating.outputs()["KeyId"] == key_id
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        assert (meta["KeyState"], meta["KeySpec"], meta["KeyUsage"], meta["MultiRegion"]) == (
            "Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", False)
    finally:
        updating.delete()


@pytest.mark.behaviour("An alias removed by a stack update and added back by a later one exists again")
def test_alias_removed_then_added_back(kms: Any, stack: Stack) -> None:
    """Updating a stack to a template without its AWS::KMS::Alias deletes the alias; updating it back to the template
    with the alias creates it again, targeting the same key.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks.html
    """
    key_id = stack.create()["KeyId"]
    with_alias = stack.body
    template = yaml.load(with_alias, Loader=_Loader)  # noqa: S506  (a SafeLoader subclass)
    del template["Resources"]["Alias"]
    stack.body = json.dumps(template)
    stack.update()
    names = [a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]]
    assert stack.alias not in names
    stack.body = with_alias
    stack.update()
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]] == [stack.alias]
    assert kms.describe_key(KeyId=stack.alias)["KeyMetadata"]["KeyId"] == key_id

