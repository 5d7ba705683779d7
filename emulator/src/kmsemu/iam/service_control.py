"""Service control policies: the most a member account's principals may do, whatever their IAM and key policies say.

Each level of the account's place in the organization (the root, every OU above it, the account) must have an SCP
that allows the action, and an SCP Deny at any level refuses it. SCPs apply only once the SERVICE_CONTROL_POLICY
type is enabled on the root, and never to the management account.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.iam import policy
from kmsemu.iam.principals import Caller

SCP = "SERVICE_CONTROL_POLICY"


def _levels(backend: Any, account: Any) -> list[list[Any]]:
    """The SCPs attached at each level from the account up to the root."""
    levels = [[p for p in account.attached_policies if p.type == SCP]]
    parent_id, seen = account.parent_id, set()
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        unit = next((ou for ou in backend.ou if ou.id == parent_id), None)
        if unit is None:
            break
        levels.append([p for p in unit.attached_policies if p.type == SCP])
        parent_id = getattr(unit, "parent_id", None)
    return levels


def _enabled(backend: Any) -> bool:
    root = next((ou for ou in backend.ou if ou.type == "ROOT"), None) if backend.ou else None
    types = getattr(root, "policy_types", None) or []
    return any(t.get("Type") == SCP and t.get("Status") == "ENABLED" for t in types)


def refusal(caller: Caller, action: str, resource: str, context: Any) -> str | None:
    """The reason an SCP refuses this call of a member account's principal, or None when SCPs allow it (or do not apply)."""
    from moto.organizations.models import organizations_backends

    found = organizations_backends.master_accounts.get(caller.account)
    if found is None:
        return None  # not a member account: the management account and accounts outside an organization
    backend = organizations_backends[found[0]][found[1]]
    account = next((a for a in backend.accounts if a.id == caller.account), None)
    if account is None or not _enabled(backend):
        return None
    levels = _levels(backend, account)
    for level in levels:
        for document in level:
            for s in policy.statements(document.content):
                if not s.allows and policy.applies(s, action, resource, context):
                    return "with an explicit deny in a service control policy"
    for level in levels:
        if not any(s.allows and policy.applies(s, action, resource, context)
                   for document in level for s in policy.statements(document.content)):
            return f"because no service control policy allows the {action} action"
    return None
