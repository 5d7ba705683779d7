"""The condition keys an IAM request carries: the tags it sets (aws:RequestTag, aws:TagKeys), iam:PermissionsBoundary, iam:PolicyARN.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
"""
from __future__ import annotations

from typing import Any

_BOUNDARY_SET = ("CreateUser", "CreateRole", "PutUserPermissionsBoundary", "PutRolePermissionsBoundary")
"""Calls whose own PermissionsBoundary parameter is the iam:PermissionsBoundary value."""

_BOUNDED_TARGET = ("AttachUserPolicy", "DetachUserPolicy", "PutUserPolicy", "DeleteUserPolicy",
                   "AttachRolePolicy", "DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy",
                   "DeleteUserPermissionsBoundary", "DeleteRolePermissionsBoundary")
"""Calls on a user or role whose existing boundary is the iam:PermissionsBoundary value."""


def _members(form: dict[str, str], prefix: str) -> list[str]:
    """The values of a query list parameter (`TagKeys.member.1`, `TagKeys.member.2`, ...), in order."""
    found = []
    number = 1
    while f"{prefix}.member.{number}" in form:
        found.append(form[f"{prefix}.member.{number}"])
        number += 1
    return found


def _target_boundary(account: str, form: dict[str, str]) -> str | None:
    """The boundary ARN on the user or role the request names, if it has one."""
    from kmsemu.iam.boundaries import boundary_arn
    from kmsemu.iam.principals import _iam

    backend = _iam(account)
    if form.get("UserName"):
        entity: Any = backend.users.get(form["UserName"])
    else:
        entity = next((r for r in backend.roles.values() if r.name == form.get("RoleName")), None)
    return boundary_arn(entity) if entity is not None else None


def iam_request_context(account: str, operation: str, form: dict[str, str]) -> dict[str, str | list[str]]:
    """aws:RequestTag/<key> and aws:TagKeys from Tags or TagKeys, iam:PermissionsBoundary and iam:PolicyARN where IAM sets them."""
    context: dict[str, str | list[str]] = {}
    keys = []
    number = 1
    while f"Tags.member.{number}.Key" in form:
        key = form[f"Tags.member.{number}.Key"]
        context[f"aws:requesttag/{key.lower()}"] = form.get(f"Tags.member.{number}.Value", "")
        keys.append(key)
        number += 1
    keys += _members(form, "TagKeys")
    if keys:
        context["aws:tagkeys"] = keys
    boundary = form.get("PermissionsBoundary") if operation in _BOUNDARY_SET else (
        _target_boundary(account, form) if operation in _BOUNDED_TARGET else None)
    if boundary:
        context["iam:permissionsboundary"] = boundary
    if form.get("PolicyArn") and operation.startswith(("Attach", "Detach")):
        context["iam:policyarn"] = form["PolicyArn"]
    return context
