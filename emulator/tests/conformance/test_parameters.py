"""Template parameter constraints: CloudFormation refuses a value that breaks them before it starts work."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from resources import Resources

TEMPLATE = (Path(__file__).resolve().parent / "key_template.yaml").read_text()


def _params(course: Any, **values: str) -> list[dict[str, str]]:
    given = {"PrincipalArn": course.principal_arn, **values}
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in given.items()]


def _refused(call: Any, **kwargs: Any) -> str:
    """The ValidationError message of a refused call (fails the test if the call succeeds)."""
    with pytest.raises(ClientError) as refused:
        call(**kwargs)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    return refused.value.response["Error"]["Message"]


@pytest.mark.behaviour("A parameter value that breaks its constraints is refused before anything is created")
def test_constraints_checked_at_create_and_update(course: Any, made: Resources) -> None:
    """MinValue/MaxValue and AllowedPattern are checked at CreateStack and UpdateStack: ValidationError naming the
    parameter, no stack created, and an existing stack left as it was.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
    """
    cfn = course.client("cloudformation")
    name = made.unique("params")
    alias = "alias/" + made.unique("params")
    assert "PendingWindowInDays" in _refused(cfn.create_stack, StackName=name, TemplateBody=TEMPLATE,
                                             Parameters=_params(course, AliasName=alias, PendingWindowInDays="3"))
    assert "AliasName" in _refused(cfn.create_stack, StackName=name, TemplateBody=TEMPLATE,
                                   Parameters=_params(course, AliasName="alias/aws/" + made.unique("params")))
    assert "does not exist" in _refused(cfn.describe_stacks, StackName=name)
    cfn.create_stack(StackName=name, TemplateBody=TEMPLATE, Parameters=_params(course, AliasName=alias))
    cfn.get_waiter("stack_create_complete").wait(StackName=name, WaiterConfig={"Delay": 2})
    try:
        assert "PendingWindowInDays" in _refused(cfn.update_stack, StackName=name, TemplateBody=TEMPLATE,
                                                 Parameters=_params(course, AliasName=alias, PendingWindowInDays="31"))
        assert cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    finally:
        cfn.delete_stack(StackName=name)
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig={"Delay": 2})
