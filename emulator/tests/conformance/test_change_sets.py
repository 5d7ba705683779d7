"""Change sets and `aws cloudformation deploy`, and replacing an alias by renaming it in a stack update."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cfn_support import YAML_TEMPLATE, Stack, stack  # noqa: F401  (fixture)
from resources import Resources

KEY_TEMPLATE = Path(__file__).resolve().parent / "key_template.yaml"


def _change_set(stack: Stack, kind: str, **values: str) -> dict[str, Any]:
    """Create a change set for the test template, wait until it settles, and describe it."""
    created = stack.cfn.create_change_set(
        StackName=stack.name, ChangeSetName=f"cs{len(values)}{kind.lower()}", ChangeSetType=kind,
        TemplateBody=stack.body, Parameters=stack.params(**values),
        Tags=stack.tags,
    )
    waiter = stack.cfn.get_waiter("change_set_create_complete")
    try:
        waiter.wait(ChangeSetName=created["Id"], StackName=stack.name, WaiterConfig={"Delay": 2, "MaxAttempts": 60})
    except Exception:  # a FAILED change set ends the waiter; the description says why
        pass
    return stack.cfn.describe_change_set(ChangeSetName=created["Id"], StackName=stack.name)


@pytest.mark.behaviour("A change set with no changes ends FAILED and cannot be executed")
def test_empty_change_set_fails(stack: Stack) -> None:
    """CreateChangeSet for an unchanged template and parameters is accepted; the change set ends FAILED with
    "The submitted information didn't contain changes", and ExecuteChangeSet refuses it (InvalidChangeSetStatus).

    https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html
    """
    stack.create()
    described = _change_set(stack, "UPDATE")
    assert (described["Status"], described["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
    assert "didn't contain changes" in described["StatusReason"]
    with pytest.raises(ClientError) as refused:
        stack.cfn.execute_change_set(ChangeSetName=described["ChangeSetId"], StackName=stack.name)
    assert refused.value.response["Error"]["Code"] == "InvalidChangeSetStatus"


@pytest.mark.behaviour("Executing a change set updates the stack, its outputs and description")
def test_change_set_create_and_update(kms: Any, stack: Stack) -> None:
    """A CREATE change set makes the stack, with its outputs; an UPDATE change set changes the key and the outputs.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html
    """
    created = _change_set(stack, "CREATE")
    assert created["Status"] == "CREATE_COMPLETE"
    stack.cfn.execute_change_set(ChangeSetName=created["ChangeSetId"], StackName=stack.name)
    stack.cfn.get_waiter("stack_create_complete").wait(StackName=stack.name, WaiterConfig={"Delay": 2})
    outputs = stack.outputs()
    assert set(outputs) == {"KeyId", "DefaultWindowKeyId"}
    updated = _change_set(stack, "UPDATE", Description="changed by a change set")
    assert updated["Status"] == "CREATE_COMPLETE"
    assert [c["ResourceChange"]["LogicalResourceId"] for c in updated["Changes"]] == ["Key"]
    stack.cfn.execute_change_set(ChangeSetName=updated["ChangeSetId"], StackName=stack.name)
    stack.cfn.get_waiter("stack_update_complete").wait(StackName=stack.name, WaiterConfig={"Delay": 2})
    assert stack.outputs() == outputs
    assert kms.describe_key(KeyId=outputs["KeyId"])["KeyMetadata"]["Description"] == "changed by a change set"


@pytest.mark.behaviour("Renaming an alias in a stack update replaces the alias")
def test_alias_rename_replaces_it(kms: Any, stack: Stack, made: Resources) -> None:
    """AWS::KMS::Alias's AliasName requires replacement: the new alias points at the key and the old one is gone.

    https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-alias.html
    """
    key_id = stack.create()["KeyId"]
    renamed = "alias/" + made.unique("renamed")
    stack.update(AliasName=renamed)
    assert kms.describe_key(KeyId=renamed)["KeyMetadata"]["KeyId"] == key_id
    names = {a["AliasName"] for a in kms.list_aliases(KeyId=key_id)["Aliases"]}
    assert renamed in names and stack.alias not in names


@pytest.mark.behaviour("`aws cloudformation deploy` of an unchanged stack prints 'No changes to deploy'")
def test_cli_deploy_twice(course: Any, made: Resources, tmp_path: Path) -> None:
    """deploy creates or updates through a change set; run again unchanged, it reports no changes, and with
    --no-fail-on-empty-changeset exits 0 (AWS CLI v1 exits 255 without the flag; v2 exits 0).

    https://docs.aws.amazon.com/cli/latest/reference/cloudformation/deploy/
    """
    name = made.unique("deploy")
    alias = "alias/" + made.unique("deploy")
    aws = [sys.executable, "-m", "awscli", "cloudformation", "deploy", "--stack-name", name,
           "--template-file", str(KEY_TEMPLATE), "--no-fail-on-empty-changeset",
           "--parameter-overrides", f"PrincipalArn={course.principal_arn}", f"AliasName={alias}",
           "--tags", *(f"{t['Key']}={t['Value']}" for t in course.tags())]
    cfn = course.client("cloudformation")
    try:
        first = subprocess.run(aws, cwd=tmp_path, env=course.cli_env(), capture_output=True, text=True, timeout=600)
        assert first.returncode == 0, first.stderr
        assert f"Successfully created/updated stack - {name}" in first.stdout
        outputs = {o["OutputKey"] for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
        assert outputs == {"KeyId", "KeyArn", "AliasName"}
        again = subprocess.run(aws, cwd=tmp_path, env=course.cli_env(), capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr
        assert f"No changes to deploy. Stack {name} is up to date" in again.stdout
    finally:
        cfn.delete_stack(StackName=name)
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig={"Delay": 2})
