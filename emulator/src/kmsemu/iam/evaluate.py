"""The KMS access decision: key policy, the caller's IAM policies and the key's grants, as AWS combines them.

https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
Denials are worded as AWS words them today: "User: <arn> is not authorized to perform: <action> on resource: <arn>
because no identity-based policy allows the <action> action" (or no resource-based policy, no session policy,
or "with an explicit deny in a(n) ... policy"), and a Decrypt that names no key says "on the resource
associated with this ciphertext" instead of the key's ARN.
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
https://docs.aws.amazon.com/singlesignon/latest/userguide/cmk-related-errors.html
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kmsemu.iam import policy, service_control
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
    from_ciphertext: bool = False
    """The key was taken from the ciphertext, not named by the caller: a denial does not reveal its ARN."""

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
        target = "the resource associated with this ciphertext" if check.from_ciphertext else f"resource: {check.resource}"
        return f"User: {caller.arn} is not authorized to perform: {check.action} on {target} {self.reason}"


ALLOW = Decision(True)


def _identity_statements(caller: Caller) -> list[policy.Statement]:
    found: list[policy.Statement] = []
    for document in caller.policy_documents():
        found += policy.statements(document)
    return found


def _allowed_by(document: Any, check: Check) -> bool:
    """Whether an Allow statement of this policy document applies to the check."""
    return any(s.allows and policy.applies(s, check.action, check.resource, check.context) for s in policy.statements(document))


def _caps_refusal(caller: Caller, check: Check) -> str | None:
    """The reason the caller's permissions boundary or session policy leaves the action out, else None."""
    bound = caller.boundary_document()
    if bound is not None and not _allowed_by(bound, check):
        return f"because no permissions boundary allows the {check.action} action"
    if caller.session_policy and not _allowed_by(caller.session_policy, check):
        return f"because no session policy allows the {check.action} action"
    return None


def _identity_refusal(statements: list[policy.Statement], caller: Caller, check: Check) -> str | None:
    """None when an identity-based Allow (within the boundary and session policy) applies, else the reason AWS gives."""
    if not any(s.allows and policy.applies(s, check.action, check.resource, check.context) for s in statements):
        return f"because no identity-based policy allows the {check.action} action"
    return _caps_refusal(caller, check)


def _direct_refusal(caller: Caller, statement: policy.Statement, check: Check) -> str | None:
    """Why a key-policy Allow that names the caller does not grant on its own, or None when it does.

    Within an account, a resource-based policy naming an IAM user's ARN or a role session's ARN grants on its own;
    one naming a role's ARN grants its sessions only what the role's permissions boundary and the session policy
    also allow (reference_policies_evaluation-logic_policy-eval-denyallow).
    """
    named = statement.principals or ()
    if caller.kind != "AssumedRole" or caller.arn in named or "*" in named:
        return None
    return _caps_refusal(caller, check)


def _resource_account(check: Check) -> str | None:
    """The account owning the key or resource checked, from its ARN (None for `*`)."""
    parts = check.resource.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


def decide(caller: Caller, check: Check, key_policy: Any = None, use_grants: bool = True) -> Decision:
    """Deny wins; then a key policy Allow for the caller, an IAM Allow the key policy delegates to, or a grant.

    `key_policy` overrides the key's stored policy (the lockout check evaluates a policy not yet set).
    """
    action, resource, context = check.action, check.resource, check.context
    limited = service_control.refusal(caller, action, resource, context)
    if limited is not None:
        return Decision(False, limited)
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
    bound = caller.boundary_document()
    if bound is not None and any(not s.allows and policy.applies(s, action, resource, context)
                                 for s in policy.statements(bound)):
        return Decision(False, "with an explicit deny in a permissions boundary")
    if check.key is None and key_policy is None:
        why = _identity_refusal(identity, caller, check)
        return ALLOW if why is None else Decision(False, why)
    delegated, capped = False, None
    other_account = _resource_account(check) not in (None, caller.account)
    for s in key_statements:
        if s.allows and policy.applies(s, action, resource, context):
            match = policy.principal_match(s, caller)
            if match is policy.PrincipalMatch.DIRECT and not other_account:
                capped = _direct_refusal(caller, s, check)
                if capped is None:
                    return ALLOW
            # Across accounts the resource policy only opens the door: the caller's own IAM must allow it too.
            delegated = delegated or match is not policy.PrincipalMatch.NONE
    why = _identity_refusal(identity, caller, check) if delegated else None
    if delegated and why is None:
        return ALLOW
    why = capped or why
    if use_grants and check.key is not None and grants.allows(check.key, caller, check.operation, check.encryption_context):
        return ALLOW
    if delegated:
        return Decision(False, why or f"because no identity-based policy allows the {action} action")
    return Decision(False, f"because no resource-based policy allows the {action} action")
