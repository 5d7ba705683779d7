"""AWS::IAM::Role's ManagedPolicyArns, and AWS::NoValue inside lists, as CloudFormation handles them.

moto's AWS::IAM::Role ignores ManagedPolicyArns, so a template's role had none of its managed policies. Here they are
attached, and one that does not exist fails the resource (the stack rolls back) with IAM's NoSuchEntity message;
a stack update attaches the added and detaches the removed ones (no interruption), and a stack's role is detached
from them before it is deleted. moto drops a property whose value is AWS::NoValue but
leaves a null in a list, where `Fn::If` returning AWS::NoValue means no element at all.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmsemu.patches import replace


def _iam(account_id: str, region_name: str) -> Any:
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    return iam_backends[account_id][get_partition(region_name)]


def _policy_arns(cloudformation_json: Any) -> list[str]:
    """The role's ManagedPolicyArns, nulls left by AWS::NoValue skipped."""
    found = (cloudformation_json.get("Properties") or {}).get("ManagedPolicyArns") or []
    return [str(arn) for arn in found if arn is not None]


def _not_attachable(arn: str) -> Exception:
    """IAM's NoSuchEntity for a policy that cannot be attached."""
    from moto.iam.exceptions import NotFoundException

    return NotFoundException(f"Policy {arn} does not exist or is not attachable.")


def _checked_arns(backend: Any, cloudformation_json: Any) -> list[str]:
    """The role's ManagedPolicyArns, each checked to exist before anything changes."""
    arns = _policy_arns(cloudformation_json)
    attachable = {p.arn for p in backend.managed_policies.values()}
    for arn in arns:
        if arn not in attachable:
            raise _not_attachable(arn)
    return arns


def _create(original: Any) -> Any:
    """Role.create_from_cloudformation_json that also attaches ManagedPolicyArns, all checked before the role is made."""
    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        backend = _iam(account_id, region_name)
        arns = _checked_arns(backend, cloudformation_json)
        role = original.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        for arn in arns:
            backend.attach_role_policy(arn, role.name)
        return role

    return classmethod(create)


def _update(original: Any) -> Any:
    """Role.update_from_cloudformation_json that attaches added and detaches removed ManagedPolicyArns."""
    def update(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str,
               region_name: str) -> Any:
        backend = _iam(account_id, region_name)
        arns = _checked_arns(backend, cloudformation_json)  # a missing policy fails the update before any change
        role = original.__func__(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name)
        for arn in [a for a in role.managed_policies if a not in arns]:
            backend.detach_role_policy(arn, role.name)
        for arn in [a for a in arns if a not in role.managed_policies]:
            backend.attach_role_policy(arn, role.name)
        return role

    return classmethod(update)


def _delete(original: Any) -> Any:
    """Role.delete_from_cloudformation_json, detaching the role's managed policies first as DeleteRole requires."""
    def delete(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        backend = _iam(account_id, region_name)
        for role in list(backend.roles.values()):
            if role.name == resource_name:
                for arn in list(role.managed_policies):
                    backend.detach_role_policy(arn, role.name)
        return original.__func__(cls, resource_name, cloudformation_json, account_id, region_name)

    return classmethod(delete)


def _without_no_value(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's clean_json, with list elements that resolved to AWS::NoValue removed (literal nulls are kept)."""
    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        cleaned = original(resource_json, resources_map)
        if isinstance(resource_json, list) and isinstance(cleaned, list) and len(cleaned) == len(resource_json):
            return [value for raw, value in zip(resource_json, cleaned, strict=True)
                    if not (value is None and isinstance(raw, dict))]
        return cleaned

    return clean_json


def install() -> None:
    """Replace Role's create, update and delete from CloudFormation, and moto's template cleaning (clean_json)."""
    from kmsemu.cloudformation.deferred_models import import_cloudformation

    import_cloudformation()  # without the two dozen service models CloudFormation would import
    from moto.cloudformation import parsing
    from moto.iam.models import Role

    replace(Role, "create_from_cloudformation_json", _create)
    replace(Role, "update_from_cloudformation_json", _update)
    replace(Role, "delete_from_cloudformation_json", _delete)
    replace(parsing, "clean_json", _without_no_value)
