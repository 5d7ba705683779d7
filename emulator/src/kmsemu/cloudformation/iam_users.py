"""AWS::IAM::User's Tags, ManagedPolicyArns and PermissionsBoundary, as CloudFormation applies them.

moto's AWS::IAM::User takes only UserName and Path, so a template's user had no tags, no managed policies and no
boundary: an ABAC policy on ${aws:PrincipalTag/...} then saw none. Here they are applied; a managed policy that does
not exist fails the resource (the stack rolls back) with IAM's NoSuchEntity message; the user's managed policies are
detached before it is deleted, and a user that still holds access keys made outside the stack is not deleted
(DeleteConflict, as IAM refuses DeleteUser), so the stack's deletion fails.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-user.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.cloudformation.iam_roles import _checked_arns, _iam
from kmsemu.patches import replace


def _create(original: Any) -> Any:
    """User.create_from_cloudformation_json that also tags the user, attaches its policies and sets its boundary."""
    def create(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        from kmsemu.iam.boundaries import set_boundary

        backend = _iam(account_id, region_name)
        properties = cloudformation_json.get("Properties") or {}
        arns = _checked_arns(backend, cloudformation_json)
        name = properties.get("UserName") or resource_name
        user = original.__func__(cls, name, cloudformation_json, account_id, region_name, **kwargs)
        tags = [{"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in properties.get("Tags") or [] if t]
        if tags:
            backend.tag_user(user.name, tags)
        for arn in arns:
            backend.attach_user_policy(arn, user.name)
        if properties.get("PermissionsBoundary"):
            set_boundary(user, str(properties["PermissionsBoundary"]))
        return user

    return classmethod(create)


def _delete(original: Any) -> Any:
    """User.delete_from_cloudformation_json: refused while the user holds access keys, else its policies detached first."""
    def delete(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
        from moto.iam.exceptions import DeleteConflictException

        backend = _iam(account_id, region_name)
        user = backend.users.get(resource_name)
        if user is not None:
            if user.access_keys:
                raise DeleteConflictException("Cannot delete entity, must delete access keys first.")
            for arn in list(user.managed_policies):
                backend.detach_user_policy(arn, user.name)
        return original.__func__(cls, resource_name, cloudformation_json, account_id, region_name)

    return classmethod(delete)


def install() -> None:
    """Replace User's create and delete from CloudFormation."""
    from kmsemu.cloudformation.deferred_models import import_cloudformation

    import_cloudformation()
    from moto.iam.models import User

    replace(User, "create_from_cloudformation_json", _create)
    replace(User, "delete_from_cloudformation_json", _delete)
