"""A key policy as a who-can-do-what table, and the question "does this policy let this principal do that?".

    from kmscourse import policy_table
    policy_table.show(policy_json, course)     # a markdown table in the notebook
    policy_table.allows(policy_json, arn, "kms:Decrypt")
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from .show import display_markdown, markdown_table

ADMIN_ACTIONS = (
    "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:EnableKey", "kms:DisableKey",
    "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource", "kms:UntagResource",
)
"""What a key administrator must be able to do (a sample of the administrative actions)."""

USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey")
"""What a key user must be able to do (the cryptographic operations)."""


@dataclass(frozen=True)
class Row:
    """One statement of a policy, flattened: its Sid, effect, principals, actions and conditions."""

    sid: str
    effect: str
    principals: tuple[str, ...]
    actions: tuple[str, ...]
    conditions: str


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def parse(policy: str | dict[str, Any]) -> dict[str, Any]:
    """The policy as a dict, from its JSON text (as GetKeyPolicy returns it) or a dict."""
    return json.loads(policy) if isinstance(policy, str) else policy


def principals_of(statement: dict[str, Any]) -> tuple[str, ...]:
    """The AWS principals a statement names ("*" for everyone); an account id becomes its root ARN."""
    principal = statement.get("Principal", {})
    if principal == "*":
        return ("*",)
    names = []
    for value in _as_list(principal.get("AWS", [])) if isinstance(principal, dict) else []:
        text = str(value)
        names.append(f"arn:aws:iam::{text}:root" if text.isdigit() and len(text) == 12 else text)
    for value in _as_list(principal.get("Service", [])) if isinstance(principal, dict) else []:
        names.append(f"service {value}")
    return tuple(names)


def rows(policy: str | dict[str, Any]) -> list[Row]:
    """The policy's statements as rows, in order."""
    out = []
    for i, st in enumerate(_as_list(parse(policy).get("Statement", []))):
        actions = tuple(str(a) for a in _as_list(st.get("Action", [])))
        if "NotAction" in st:
            actions = tuple(f"everything except {a}" for a in _as_list(st["NotAction"]))
        conditions = json.dumps(st["Condition"], sort_keys=True) if st.get("Condition") else ""
        out.append(Row(str(st.get("Sid", f"(statement {i + 1})")), str(st.get("Effect", "")), principals_of(st), actions, conditions))
    return out


def describe(principal: str, you: str | None = None) -> str:
    """A principal ARN in words: the account root, you, an IAM user or role, or everyone."""
    if principal == "*":
        return "everyone (`*`)"
    if you and principal == you:
        return f"you (`{principal}`)"
    if principal.endswith(":root"):
        return f"account {principal.split(':')[4]} (`{principal}`): IAM policies in that account decide"
    return f"`{principal}`"


def markdown(policy: str | dict[str, Any], you: str | None = None) -> str:
    """The who-can-do-what table in markdown; `you` is your principal ARN, shown as "you"."""
    table = []
    for row in rows(policy):
        who = "<br>".join(describe(p, you) for p in row.principals) or "(no principal)"
        what = ", ".join(f"`{a}`" for a in row.actions)
        table.append((row.sid, row.effect, who, what, row.conditions or "none"))
    return markdown_table(("Statement", "Effect", "Who", "Can do", "Conditions"), table)


def show(policy: str | dict[str, Any], course: Any = None) -> None:
    """Display the table in a notebook; with `course`, your own ARN is shown as "you"."""
    display_markdown(markdown(policy, course.principal_arn if course is not None else None))


def _matches(action: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def allows(policy: str | dict[str, Any], principal: str, action: str, direct: bool = True) -> bool:
    """True when a statement naming `principal` allows `action` and none denies it (conditions ignored).

    direct=True counts only statements that name the principal itself (or "*"), not the account root:
    that is what "the key policy makes you administrator" means. The root statement only delegates to IAM.
    """
    allowed = False
    for row in rows(policy):
        names = set(row.principals)
        applies = principal in names or "*" in names
        if not direct and any(p.endswith(":root") and p.split(":")[4] == principal.split(":")[4] for p in names if p.count(":") >= 5):
            applies = True
        if not applies or row.actions and row.actions[0].startswith("everything except"):
            continue
        if _matches(action, row.actions):
            if row.effect == "Deny":
                return False
            allowed = allowed or row.effect == "Allow"
    return allowed


def missing(policy: str | dict[str, Any], principal: str, actions: tuple[str, ...]) -> list[str]:
    """The actions of `actions` the policy does not allow `principal` directly."""
    return [a for a in actions if not allows(policy, principal, a)]


def root_statement(policy: str | dict[str, Any], account_id: str) -> Row | None:
    """The statement that allows kms:* to the account root (delegating to IAM), or None."""
    root = f"arn:aws:iam::{account_id}:root"
    for row in rows(policy):
        roots = {p for p in row.principals if p.endswith(f"::{account_id}:root")}
        if row.effect == "Allow" and (root in row.principals or roots) and _matches("kms:PutKeyPolicy", row.actions) and _matches("kms:Decrypt", row.actions):
            return row
    return None
