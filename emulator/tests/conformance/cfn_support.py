"""The conformance suite's CloudFormation helpers: a test template with a key and an alias, and a Stack to drive it."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from backend import Backend
from resources import Resources

YAML_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AliasName: {Type: String}
  Description: {Type: String, Default: first}
  Enabled: {Type: String, Default: "true"}
  Rotation: {Type: String, Default: "false"}
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: !Ref Description
      Enabled: !Ref Enabled
      EnableKeyRotation: !Ref Rotation
      PendingWindowInDays: 7
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: Enable IAM User Permissions
            Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
      Tags:
        - {Key: "kmsemu:conformance", Value: "true"}
  DefaultWindowKey:
    Type: AWS::KMS::Key
    Properties:
      Description: default window
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: "kms:*"
            Resource: "*"
      Tags:
        - {Key: "kmsemu:conformance", Value: "true"}
  Alias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: !Ref AliasName
      TargetKeyId: !Ref Key
Outputs:
  KeyId: {Value: !Ref Key}
  DefaultWindowKeyId: {Value: !Ref DefaultWindowKey}
"""


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub) as their long forms."""


for _tag, _name in (("!Ref", "Ref"), ("!Sub", "Fn::Sub")):
    _Loader.add_constructor(_tag, lambda loader, node, name=_name: {name: loader.construct_scalar(node)})


class Stack:
    """One test stack, deleted (if still there) afterwards."""

    def __init__(self, course: Backend, made: Resources, body: str) -> None:
        self.cfn = course.client("cloudformation")
        self.name = made.unique("stack")
        self.alias = "alias/" + made.unique("cfn")
        self.body = body
        self.tags = course.tags()
        self.deleted = False

    def params(self, **extra: str) -> list[dict[str, str]]:
        values = {"AliasName": self.alias, **extra}
        return [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]

    def create(self) -> dict[str, str]:
        self.cfn.create_stack(StackName=self.name, TemplateBody=self.body, Parameters=self.params(),
                              Tags=self.tags)
        self.cfn.get_waiter("stack_create_complete").wait(StackName=self.name, WaiterConfig={"Delay": 2})
        return self.outputs()

    def update(self, **values: str) -> dict[str, str]:
        self.cfn.update_stack(StackName=self.name, TemplateBody=self.body, Parameters=self.params(**values))
        self.cfn.get_waiter("stack_update_complete").wait(StackName=self.name, WaiterConfig={"Delay": 2})
        return self.outputs()

    def outputs(self) -> dict[str, str]:
        stack = self.cfn.describe_stacks(StackName=self.name)["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}

    def delete(self) -> None:
        self.cfn.delete_stack(StackName=self.name)
        self.cfn.get_waiter("stack_delete_complete").wait(StackName=self.name, WaiterConfig={"Delay": 2})
        self.deleted = True


@pytest.fixture
def stack(course: Backend, made: Resources) -> Iterator[Stack]:
    """A stack built from the YAML template (deletion schedules its keys' deletion, which is the cleanup)."""
    built = Stack(course, made, YAML_TEMPLATE)
    yield built
    if not built.deleted:
        built.delete()
