"""CloudFormation stacks report each resource's progress, and a resource that fails rolls its stack back.

moto records stack-level events only, and a resource's error escapes the API call or is lost. AWS records
IN_PROGRESS and COMPLETE (or FAILED, with the service's message) for every resource, then rolls back:
after a failed create it deletes what it created and ends ROLLBACK_COMPLETE; after a failed update it
restores the previous template and parameters and ends UPDATE_ROLLBACK_COMPLETE.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html
"""
from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

from kmsemu.cloudformation.as_caller import ResourceRefused
from kmsemu.patches import replace

_FAILED_ATTR = "_kmsemu_failed"
_CREATED_ATTR = "_kmsemu_created"
_STACK_ATTR = "_kmsemu_stack"


class ResourceFailed(Exception):
    """A resource CloudFormation could not create or update: the stack operation stops and rolls back."""

    def __init__(self, logical_id: str, action: str) -> None:
        super().__init__(f"{logical_id} failed to {action}")
        self.logical_id = logical_id
        self.action = action


def _refusals() -> tuple[type[BaseException], ...]:
    """The errors a resource handler raises for a refused call; CloudFormation's own template errors propagate."""
    from moto.core.exceptions import JsonRESTError, ServiceException

    return (ResourceRefused, JsonRESTError, ServiceException)


def _is_template_error(error: BaseException) -> bool:
    """CloudFormation's own errors (a bad reference, a missing parameter) fail the API call, not a resource."""
    from moto.cloudformation.exceptions import CloudFormationError

    return isinstance(error, CloudFormationError)


def _reason(resource_type: str, error: BaseException) -> str:
    """The ResourceStatusReason for a refused call, carrying the service's own message."""
    message = getattr(error, "message", None) or str(error)
    service = resource_type.split("::")[1].capitalize() if resource_type.count("::") == 2 else "unknown"
    return f'Resource handler returned message: "{message} (Service: {service}, Status Code: 400)"'


def _stack(resources_map: Any) -> Any:
    return getattr(resources_map, _STACK_ATTR, None)


def _event(stack: Any, logical_id: str, physical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:
    """Append one resource event to the stack (describe-stack-events lists them newest first)."""
    from moto.cloudformation.models import Event

    stack.events.append(Event(
        stack_id=stack.stack_id, stack_name=stack.name, logical_resource_id=logical_id,
        physical_resource_id=physical_id or "", resource_type=resource_type, resource_status=status,
        resource_status_reason=reason, resource_properties=None,
    ))


def _tracked(action: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap parse_and_create_resource or parse_and_update_resource with events and failure handling."""
    verb = action.upper()

    def tracked(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
        stack = _stack(resources_map)
        if stack is None:
            return original(logical_id, resource_json, resources_map, account_id, region_name)
        if getattr(stack, _FAILED_ATTR, None):
            raise ResourceFailed(*getattr(stack, _FAILED_ATTR))  # moto retries failed updates; record the failure once
        resource_type = resource_json.get("Type", "")
        from moto.cloudformation.parsing import clean_json

        clean_json(copy.deepcopy(resource_json), resources_map)  # resources it refers to come first, as on AWS
        _event(stack, logical_id, "", resource_type, f"{verb}_IN_PROGRESS")
        try:
            resource = original(logical_id, resource_json, resources_map, account_id, region_name)
        except _refusals() as error:
            if _is_template_error(error):
                raise
            _event(stack, logical_id, "", resource_type, f"{verb}_FAILED", _reason(resource_type, error))
            setattr(stack, _FAILED_ATTR, (logical_id, action))
            raise ResourceFailed(logical_id, action) from None
        physical = str(getattr(resource, "physical_resource_id", "") or "")
        if action == "create":
            _event(stack, logical_id, physical, resource_type, "CREATE_IN_PROGRESS", "Resource creation Initiated")
            getattr(stack, _CREATED_ATTR).append(logical_id)
        _event(stack, logical_id, physical, resource_type, f"{verb}_COMPLETE")
        return resource
    return tracked


def _tracked_delete(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ResourceMap._delete_resource with DELETE_IN_PROGRESS and DELETE_COMPLETE events."""
    def tracked(resources_map: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> Any:
        stack = _stack(resources_map)
        logical_id = getattr(parsed_resource, "logical_resource_id", "")
        physical = str(getattr(parsed_resource, "physical_resource_id", "") or "")
        resource_type = resource_json.get("Type", "")
        if stack is not None:
            _event(stack, logical_id, physical, resource_type, "DELETE_IN_PROGRESS")
        result = original(resources_map, parsed_resource, resource_json)
        if stack is not None:
            _event(stack, logical_id, physical, resource_type, "DELETE_COMPLETE")
        return result
    return tracked


def _forget_removed(original: Callable[..., None]) -> Callable[..., None]:
    """Wrap ResourceMap.update: a resource the update removed is gone, so adding it back later creates it again.

    moto deletes a removed resource but keeps the deleted object in its parsed-resource cache, so a later update
    that adds the same logical id would find it there and create nothing (an alias missing from KMS).
    """
    def update(resources_map: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
        before = set(resources_map._resource_json_map)
        original(resources_map, template, parameters)
        for logical_id in before - set(template.get("Resources") or {}):
            resources_map._parsed_resources.pop(logical_id, None)
    return update


def begin(stack: Any) -> None:
    """Start a stack operation: no failure yet, nothing created yet."""
    setattr(stack.resource_map, _STACK_ATTR, stack)
    setattr(stack, _FAILED_ATTR, None)
    setattr(stack, _CREATED_ATTR, [])


def roll_back_create(stack: Any, failure: ResourceFailed) -> None:
    """Delete what the failed create made, newest first, and leave the stack ROLLBACK_COMPLETE with no resources."""
    from moto.cloudformation.parsing import OutputMap

    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to create: [{failure.logical_id}]. Rollback requested by user."))
    resources = stack.resource_map
    for logical_id in reversed(getattr(stack, _CREATED_ATTR)):
        resource = resources._parsed_resources.pop(logical_id, None)
        if resource is not None:
            resources._delete_resource(resource, resources._resource_json_map[logical_id])
    resources._resource_json_map = {}  # the lazy map must not create them again when asked
    stack.output_map = OutputMap(resources, {}, stack.stack_id)
    stack.status = "ROLLBACK_COMPLETE"
    stack._add_stack_event("ROLLBACK_COMPLETE")
    setattr(stack, _FAILED_ATTR, None)


def roll_back_update(stack: Any, failure: ResourceFailed, template: Any, parameters: dict[str, Any]) -> None:
    """Restore the previous template and parameters, and leave the stack UPDATE_ROLLBACK_COMPLETE."""
    stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=(
        f"The following resource(s) failed to {failure.action}: [{failure.logical_id}]. "))
    setattr(stack, _FAILED_ATTR, None)
    stack.template = template
    stack._parse_template()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # moto warns about the failed resource it never made
        stack.resource_map.update(stack.template_dict, parameters)
    stack.parameters = parameters
    stack.output_map = stack._create_output_map()
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
    stack.status = "UPDATE_ROLLBACK_COMPLETE"
    stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")


def _create_resources(original: Callable[[Any], None]) -> Callable[[Any], None]:
    def create_resources(stack: Any) -> None:
        begin(stack)
        try:
            original(stack)
        except ResourceFailed as failure:
            roll_back_create(stack, failure)
    return create_resources


def _update(original: Callable[..., None]) -> Callable[..., None]:
    def update(stack: Any, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None,
               tags: dict[str, str] | None = None) -> None:
        begin(stack)
        previous = (stack.template, dict(stack.resource_map.input_parameters))
        try:
            original(stack, template, role_arn, parameters=parameters, tags=tags)
        except ResourceFailed as failure:
            roll_back_update(stack, failure, *previous)
    return update


def install() -> None:
    """Wrap moto's resource create, update and delete, ResourceMap.update, and Stack.create_resources and Stack.update."""
    from kmsemu.cloudformation.deferred_models import import_cloudformation

    import_cloudformation()
    from moto.cloudformation import models, parsing

    replace(parsing, "parse_and_create_resource", lambda original: _tracked("create", original))
    replace(parsing, "parse_and_update_resource", lambda original: _tracked("update", original))
    replace(parsing.ResourceMap, "_delete_resource", _tracked_delete)
    replace(parsing.ResourceMap, "update", _forget_removed)
    replace(models.Stack, "create_resources", _create_resources)
    replace(models.Stack, "update", _update)
