"""Organizations calls only the management account may make: a member account's principals are refused them.

A member account may describe its organization, leave it and answer handshakes; creating accounts, listing them and
managing policies, OUs and the organization's settings are for the management account (and delegated administrators,
which the emulator does not have). moto answers a member account's calls from an empty backend of its own instead.
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html and each operation's
"This operation can be called only from the organization's management account" in
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html
"""
from __future__ import annotations

from kmsemu.errors import AwsError

MEMBER_OPERATIONS = frozenset({
    "DescribeOrganization", "LeaveOrganization", "CreateOrganization", "AcceptHandshake", "DeclineHandshake",
    "DescribeHandshake", "ListHandshakesForAccount", "DescribeEffectivePolicy",
})
"""What a member account's principals may call (CreateOrganization then fails with AlreadyInOrganizationException)."""

NOT_MANAGEMENT = "You don't have permissions to access this resource."


def refusal(account: str, operation: str) -> AwsError | None:
    """AccessDeniedException when a member account calls an operation for the management account, else None."""
    from moto.organizations.models import organizations_backends

    if account not in organizations_backends.master_accounts or operation in MEMBER_OPERATIONS:
        return None
    return AwsError("AccessDeniedException", NOT_MANAGEMENT, 400)
