"""Policy documents as statements, and whether a statement applies to an action, resource and principal."""
from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kmsemu.iam import conditions
from kmsemu.iam.principals import Caller, account_of


class PrincipalMatch(enum.Enum):
    """How a statement's Principal relates to the caller."""

    NONE = 0
    DIRECT = 1
    """The statement names the caller (its ARN, its role, or `*`)."""
    ACCOUNT = 2
    """The statement names the caller's account: in a key policy, a delegation to IAM policies."""


@dataclass(frozen=True)
class Statement:
    """One statement, normalised: lists everywhere, `not_*` flags for the Not- forms."""

    effect: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    principals: tuple[str, ...] | None
    """AWS principals; None when the statement has no Principal (identity-based policies)."""
    not_principal: bool
    condition: Any
    variables: bool = False
    """The policy's Version is 2012-10-17, so ${...} policy variables are replaced (older versions keep them literal)."""

    @property
    def allows(self) -> bool:
        """True for Allow, False for Deny."""
        return self.effect == "Allow"


def _list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def _principals(value: Any) -> tuple[str, ...]:
    """The AWS principals of a Principal element (`"*"` means everyone; Service and Federated match no user)."""
    if value == "*":
        return ("*",)
    if isinstance(value, dict):
        return _list(value.get("AWS"))
    return _list(value)


def _statement(raw: dict[str, Any], variables: bool = False) -> Statement:
    principal_key = "NotPrincipal" if "NotPrincipal" in raw else "Principal"
    return Statement(
        effect=str(raw.get("Effect", "")),
        actions=_list(raw.get("NotAction", raw.get("Action"))),
        not_action="NotAction" in raw,
        resources=_list(raw.get("NotResource", raw.get("Resource", "*"))),
        not_resource="NotResource" in raw,
        principals=_principals(raw[principal_key]) if principal_key in raw else None,
        not_principal=principal_key == "NotPrincipal",
        condition=raw.get("Condition"),
        variables=variables,
    )


@lru_cache(maxsize=1024)
def _parse_text(text: str) -> tuple[Statement, ...]:
    try:
        document = json.loads(text)
    except ValueError:
        return ()
    return _parse_dict(document)


def _parse_dict(document: Any) -> tuple[Statement, ...]:
    if not isinstance(document, dict):
        return ()
    raw = document.get("Statement", [])
    variables = document.get("Version") == "2012-10-17"
    return tuple(_statement(s, variables) for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, dict))


def statements(document: Any) -> tuple[Statement, ...]:
    """The statements of a policy given as JSON text (cached) or as a parsed dict (CloudFormation stores dicts)."""
    if isinstance(document, str):
        return _parse_text(document)
    return _parse_dict(document)


def action_matches(statement: Statement, action: str) -> bool:
    """Action/NotAction: service prefix and name compared case-insensitively, with wildcards."""
    hit = any(conditions.glob_match(action, pattern, case=False) for pattern in statement.actions)
    return hit != statement.not_action


def resource_matches(statement: Statement, resource: str, context: conditions.Context | None = None) -> bool:
    """Resource/NotResource: ARN wildcards, case-sensitive, policy variables replaced; `*` matches only `*`."""
    patterns: list[str] = list(statement.resources)
    if statement.variables and context is not None:
        patterns = [p for p in (conditions.substitute(p, context) for p in patterns) if p is not None]
    if resource == "*":
        hit = "*" in patterns
    else:
        hit = any(conditions.glob_match(resource, pattern) for pattern in patterns)
    return hit != statement.not_resource


def principal_match(statement: Statement, caller: Caller) -> PrincipalMatch:
    """Whether a resource-policy statement's Principal (or NotPrincipal) covers the caller."""
    found = PrincipalMatch.NONE
    for principal in statement.principals or ():
        if principal in ("*", caller.arn, caller.principal_arn):
            found = PrincipalMatch.DIRECT
            break
        if account_of(principal) == caller.account:
            found = PrincipalMatch.ACCOUNT
    if statement.not_principal:
        return PrincipalMatch.NONE if _exempt(statement.principals or (), caller) else PrincipalMatch.DIRECT
    return found


def _exempt(listed: tuple[str, ...], caller: Caller) -> bool:
    """Whether a NotPrincipal exempts the caller: it lists the caller itself (its ARN, or its role for a session)."""
    # Naming the account exempts its root user only: IAM checks the account and then the user (or the role, then
    # its session), so the account's other principals stay covered (reference_policies_elements_notprincipal).
    if "*" in listed or caller.arn in listed or caller.principal_arn in listed:
        return True
    return caller.arn.endswith(":root") and any(account_of(p) == caller.account for p in listed)


def applies(statement: Statement, action: str, resource: str, context: conditions.Context) -> bool:
    """Action, resource and conditions all match (the principal is checked separately)."""
    if not (action_matches(statement, action) and resource_matches(statement, resource, context)):
        return False
    try:
        return conditions.evaluate(statement.condition, context, statement.variables)
    except conditions.UnknownOperator:
        return False
