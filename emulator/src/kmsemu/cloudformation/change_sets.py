"""CloudFormation change sets as `aws cloudformation deploy` uses them on AWS.

moto refuses a change set with nothing to change (ValidationError at CreateChangeSet), so `deploy` of an
unchanged stack fails instead of printing "No changes to deploy"; it compares the raw parameters, so the
CLI's UsePreviousValue looks like a change; its list of changes ignores changed parameters; and executing a change set leaves the stack's outputs and
description as they were. On AWS the change set is created and ends FAILED with the reason below, and an
executed change set updates the whole stack. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmsemu.cloudformation import stack_events as cfn_stack_events
from kmsemu.cloudformation.parameters import with_defaults
from kmsemu.patches import replace

NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."
"""AWS's StatusReason for an empty change set; moto's backend already uses this text."""


def _invalid_status(change_set: Any) -> Exception:
    """ExecuteChangeSet on a change set that is not AVAILABLE, as AWS refuses it."""
    from moto.cloudformation.exceptions import CloudFormationError

    error = CloudFormationError(
        f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of "
        f"[{change_set.execution_status}]"
    )
    error.code = "InvalidChangeSetStatus"
    return error


def _resolved(stack: Any, parameters: dict[str, Any]) -> dict[str, str]:
    """Parameter values as the stack would resolve them: the given ones over the template's defaults."""
    return {name: str(value) for name, value in with_defaults(stack.template_dict, parameters).items()}


def has_parameters(stack: Any, other: dict[str, Any]) -> bool:
    """True when `other`, with defaults applied, resolves to the stack's current parameter values."""
    return _resolved(stack, stack.stack_parameters) == _resolved(stack, other)


def diff(change_set: Any) -> list[Any]:
    """The change set's changes: resources added, removed, or modified by the template or a changed parameter."""
    from moto.cloudformation.models import Change

    stack = change_set.stack
    before = _resolved(stack, stack.stack_parameters)
    changed = {k: v for k, v in _resolved(stack, change_set.parameters).items() if before.get(k) != v}
    by_action = stack.resource_map.build_resource_diff(change_set.template_dict, changed)
    new, old = change_set.template_dict.get("Resources") or {}, stack.resource_map._resource_json_map
    return [Change(action=action, logical_resource_id=name, resource_type=(new.get(name) or old[name])["Type"])
            for action, names in by_action.items() for name in names]


def _create_change_set(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """CreateChangeSet without moto's refusal of an unchanged stack: the backend marks that change set FAILED."""
    def create_change_set(self: Any) -> Any:
        self._validate_different_update = lambda *args, **kwargs: None
        return original(self)
    return create_change_set


def _execute_change_set(original: Callable[..., Any]) -> Callable[..., Any]:
    """ExecuteChangeSet that refuses a change set which is not AVAILABLE, rolls back a failure, refreshes the stack."""
    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.describe_change_set(change_set_name)
        if change_set.execution_status != "AVAILABLE":
            raise _invalid_status(change_set)
        stack = self.stacks[change_set.stack_id]
        cfn_stack_events.begin(stack)
        previous = (stack.template, dict(stack.resource_map.input_parameters))
        try:
            original(self, change_set_name, stack_name)
        except cfn_stack_events.ResourceFailed as failure:
            change_set.execution_status = "EXECUTE_FAILED"
            if change_set.change_set_type == "CREATE":
                cfn_stack_events.roll_back_create(stack, failure)
            else:
                cfn_stack_events.roll_back_update(stack, failure, *previous)
            return
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = change_set.parameters
        stack.output_map = stack._create_output_map()
    return execute_change_set


def install() -> None:
    """Patch moto's CloudFormation response, backend and Stack where change sets live."""
    from kmsemu.cloudformation.deferred_models import import_cloudformation

    import_cloudformation()
    from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
    from moto.cloudformation.responses import CloudFormationResponse

    replace(CloudFormationResponse, "create_change_set", _create_change_set)
    replace(CloudFormationBackend, "execute_change_set", _execute_change_set)
    replace(Stack, "has_parameters", lambda original: has_parameters)
    replace(ChangeSet, "diff", lambda original: diff)
