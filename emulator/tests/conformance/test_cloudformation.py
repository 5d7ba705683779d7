"""AWS::KMS::Key in CloudFormation: policies as objects, tags, updates, and what deleting the stack does."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import yaml
from cfn_support import YAML_TEMPLATE, Stack, _Loader, stack  # noqa: F401  (fixture)
from resources import Resources, backend_now


def _root_policy(course: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "Enable IAM User Permissions", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{course.account_id}:root"}, "Action": "kms:*", "Resource": "*"}]}


@pytest.mark.behaviour("CloudFormation key with a YAML KeyPolicy object and Tags")
def test_yaml_policy_object_and_tags(course: Any, kms: Any, stack: Stack) -> None:
    """KeyPolicy is a JSON object (written in YAML or JSON in the template), and Tags are applied to the key.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    key_id = stack.create()["KeyId"]
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "Enabled" and meta["Description"] == "first"
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == _root_policy(course)["Statement"][0]["Principal"]["AWS"]
    tags = kms.list_resource_tags(KeyId=key_id)["Tags"]
    assert course.tags("TagKey", "TagValue")[0] in tags
    assert kms.encrypt(KeyId=stack.alias, Plaintext=b"cfn")["KeyId"] == meta["Arn"]


@pytest.mark.behaviour("CloudFormation key from a JSON template with a KeyPolicy object")
def test_json_template(course: Any, kms: Any, made: Resources) -> None:
    """A JSON template's KeyPolicy object is stored as the key policy.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    template = yaml.load(YAML_TEMPLATE, Loader=_Loader)
    json_stack = Stack(course, made, json.dumps(template))
    try:
        key_id = json_stack.create()["KeyId"]
        policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
        assert policy["Statement"][0]["Action"] == "kms:*"
    finally:
        json_stack.delete()


@pytest.mark.behaviour("Deleting the stack schedules key deletion (PendingWindowInDays, default 30) and removes its alias")
def test_delete_stack_schedules_deletion(course: Any, kms: Any, stack: Stack) -> None:
    """Stack deletion puts the key in PendingDeletion for PendingWindowInDays (default 30); the alias is deleted.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    outputs = stack.create()
    stack.delete()
    now = backend_now(course)
    key = kms.describe_key(KeyId=outputs["KeyId"])["KeyMetadata"]
    default = kms.describe_key(KeyId=outputs["DefaultWindowKeyId"])["KeyMetadata"]
    assert key["KeyState"] == default["KeyState"] == "PendingDeletion"
    assert dt.timedelta(days=6, hours=23) < key["DeletionDate"] - now <= dt.timedelta(days=8)
    assert dt.timedelta(days=29, hours=23) < default["DeletionDate"] - now <= dt.timedelta(days=31)
    assert stack.alias not in [a["AliasName"] for a in kms.list_aliases(KeyId=outputs["KeyId"])["Aliases"]]


@pytest.mark.behaviour("Stack update changes Description, Enabled and EnableKeyRotation")
def test_update_in_place(kms: Any, stack: Stack) -> None:
    """Updating Description, Enabled or EnableKeyRotation changes the existing key (no replacement).

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
    """
    key_id = stack.create()["KeyId"]
    assert stack.update(Description="second", Enabled="false", Rotation="true")["KeyId"] == key_id
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["Description"] == "second"
    assert meta["KeyState"] == "Disabled"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    stack.update(Description="second", Enabled="true", Rotation="false")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
