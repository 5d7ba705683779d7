"""The KMS access decision: key policy, the caller's IAM policies and the key's grants, as AWS combines them.

https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmsemu.iam import policy
from kmsemu.iam.principals import Caller
from kmsemu.kms import grants
from kmsemu.kms import managed_keys as managed


@dataclass
class Check:
    """One permission a request needs: `kms:Decrypt` on a key (or `*` for calls without a key)."""

    action: str
    resource: str
    key: Any = None
    """moto's Key when the resource is a key; None for IAM-only checks."""
    context: dict[str, Any] = field(default_factory=dict)
    encryption_context: dict[str, str] | None = None

    @property
    def operation(self) -> str:
        """The API name a grant lists (`Decrypt` for `kms:Decrypt`)."""
        return self.action.split(":", 1)[1]


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and AWS's reason when not."""

    allowed: bool
    reason: str = ""

    def message(self, caller: Caller, check: Check) -> str:
        """The AccessDeniedException message, worded as AWS words it."""
        return f"User: {caller.arn} is not authorized to perform: {check.action} on resource: {check.resource} {self.reason}"


ALLOW = Decision(True)


def _identity_statements(caller: Caller) -> list[policy.Statement]:
    found: list[policy.Statement] = []
    for document in caller.policy_documents():
        found += policy.statements(document)
    return found


def _identity_allows(statements: list[policy.Statement], caller: Caller, check: Check) -> bool:
    """An identity-based Allow, within the session policy when the role session has one."""
    if not any(s.allows and policy.applies(s, check.action, check.resource, check.context) for s in statements):
        return False
    if caller.session_policy:
        return any(
            s.allows and policy.applies(s, check.action, check.resource, check.context)
            for s in policy.statements(caller.session_policy)
        )
    return True


def decide(caller: Caller, check: Check, key_policy: Any = None, use_grants: bool = True) -> Decision:
    """Deny wins; then a key policy Allow for the caller, an IAM Allow the key policy delegates to, or a grant.

    `key_policy` overrides the key's stored policy (the lockout check evaluates a policy not yet set).
    """
    action, resource, context = check.action, check.resource, check.context
    identity = _identity_statements(caller)
    if key_policy is None and check.key is not None:
        key_policy = managed.effective_policy(check.key)
    key_statements = policy.statements(key_policy) if key_policy is not None else ()
    for s in key_statements:
        if not s.allows and policy.principal_match(s, caller) is not policy.PrincipalMatch.NONE and policy.applies(s, action, resource, context):
            return Decision(False, "with an explicit deny in a resource-based policy")
    for s in identity:
        if not s.allows and policy.applies(s, action, resource, context):
            return Decision(False, "with an explicit deny in an identity-based policy")
    if check.key is None and key_policy is None:
        if _identity_allows(identity, caller, check):
            return ALLOW
        return Decision(False, f"because no identity-based policy allows the {action} action")
    delegated = False
    for s in key_statements:
        if s.allows and policy.applies(s, action, resource, context):
            match = policy.principal_match(s, caller)
            if match is policy.PrincipalMatch.DIRECT:
                return ALLOW
            delegated = delegated or match is policy.PrincipalMatch.ACCOUNT
    if delegated and _identity_allows(identity, caller, check):
        return ALLOW
    if use_grants and check.key is not None and grants.allows(check.key, caller, check.operation, check.encryption_context):
        return ALLOW
    if delegated:
        return Decision(False, f"because no identity-based policy allows the {action} action")
    return Decision(False, f"because no resource-based policy allows the {action} action")
