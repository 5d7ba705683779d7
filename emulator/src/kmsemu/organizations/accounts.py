"""Member accounts as AWS Organizations makes them: the account, and its OrganizationAccountAccessRole with admin rights.

moto creates the role with its trust policy but attaches no policy and loads no AWS managed policies in the new
account; kmsemu loads the course's managed policies there and attaches AdministratorAccess, as AWS does.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmsemu.patches import replace

ACCESS_ROLE = "OrganizationAccountAccessRole"


def _with_admin_role(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, organization: Any, **kwargs: Any) -> None:
        original(self, organization, **kwargs)
        if self.id == organization.master_account_id:
            return
        from moto.iam.models import iam_backends

        from kmsemu import accounts

        accounts.install_aws_managed_policies(account=self.id)
        iam = iam_backends[self.id]["aws"]
        role = kwargs.get("RoleName") or ACCESS_ROLE
        if any(r.name == role for r in list(iam.roles.values())):
            iam.attach_role_policy(accounts.ADMIN_POLICY_ARN, role)

    return __init__


def install() -> None:
    """Wrap moto.organizations.models.FakeAccount.__init__ so a created account's access role is an administrator."""
    from moto.organizations.models import FakeAccount

    replace(FakeAccount, "__init__", _with_admin_role)


def organization_of(account: str) -> Any:
    """moto's Organizations backend of the account's management account (the account's own when in none)."""
    from moto.organizations.models import organizations_backends

    management = account
    if account in organizations_backends.master_accounts:
        management = organizations_backends.master_accounts[account][0]
    return organizations_backends[management]["aws"]


def org_id(account: str) -> str | None:
    """aws:PrincipalOrgID: the id of the organization the account is in, or None."""
    backend = organization_of(account)
    return backend.org.id if backend is not None and backend.org is not None else None
