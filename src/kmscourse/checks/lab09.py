"""Lab 09: share a key with the colleague for decryption only, under a context condition, and grant the outsider Encrypt."""
from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from .. import policy_table
from ..course import Course
from .result import CheckResult

PROJECT = "lab09"
"""The encryption context value (`project`) the lab asks for."""

CONTEXT_KEY = "kms:EncryptionContext:project"
_OTHER_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:PutKeyPolicy", "kms:CreateGrant",
                  "kms:ScheduleKeyDeletion", "kms:DisableKey")


def _user_arn(course: Course, role: str) -> str | None:
    try:
        return str(course.client("iam").get_user(UserName=course.name(role))["User"]["Arn"])
    except ClientError:
        return None


def _context_condition(conditions: str) -> Any:
    """The value a statement's conditions require for kms:EncryptionContext:project (None when none)."""
    for operator, tests in (json.loads(conditions) if conditions else {}).items():
        if operator.lower() in ("stringequals", "stringequalsifexists"):
            for key, value in tests.items():
                if key.lower() == CONTEXT_KEY.lower():
                    return value
    return None


def check_policy(result: CheckResult, course: Course, policy: str, colleague: str, project: str) -> None:
    """The policy items: you stay administrator, no root statement, the colleague decrypts under the condition only."""
    you = course.principal_arn
    missing = policy_table.missing(policy, you, policy_table.ADMIN_ACTIONS)
    result.add("the key policy keeps you key administrator", not missing,
               f"no statement naming you ({you}) allows {', '.join(missing)}; keep your administration statement.")
    root = policy_table.root_statement(policy, course.account_id)
    result.add("no root statement: IAM policies alone cannot use the key", root is None,
               f"statement {root.sid if root else ''} allows kms:* to the account root, so the colleague's "
               "AdministratorAccess would let them do anything with the key; remove that statement.")
    decrypts = [r for r in policy_table.rows(policy) if r.effect == "Allow" and colleague in r.principals
                and any(fnmatchcase("kms:decrypt", a.lower()) for a in r.actions)]
    result.add("the key policy lets the colleague decrypt", bool(decrypts),
               f"no Allow statement names the colleague ({colleague}) with kms:Decrypt; add one.")
    extra = [a for a in _OTHER_ACTIONS if policy_table.allows(policy, colleague, a)]
    result.add("the colleague may do nothing else", not extra,
               f"the policy also lets the colleague do {', '.join(extra)}; list only kms:Decrypt in their statement.")
    wanted = [_context_condition(r.conditions) for r in decrypts]
    needs = next((f"project={w}" for w in wanted if w not in (project, None)), "no encryption context")
    hint = (f"the colleague's statement requires {needs}; add "
            f'"Condition": {{"StringEquals": {{"{CONTEXT_KEY}": "{project}"}}}}.') if decrypts else \
        "add the colleague's kms:Decrypt statement first."
    result.add(f"the colleague's decrypt requires project={project}", bool(decrypts) and all(w == project for w in wanted), hint)


def check_grant(result: CheckResult, grants: list[dict[str, Any]], outsider: str, project: str) -> None:
    """The grant items: the outsider may Encrypt (only), and only with this project in the context."""
    theirs = [g for g in grants if g.get("GranteePrincipal") == outsider]
    if not result.add("a grant names the outsider", bool(theirs),
                      f"no grant on the key names the outsider ({outsider}); call create_grant(GranteePrincipal=outsider.arn, ...)."):
        return
    grant = next((g for g in theirs if g.get("Operations") == ["Encrypt"]), theirs[0])
    result.add("the outsider's grant allows Encrypt only", grant.get("Operations") == ["Encrypt"],
               f"the grant lists {grant.get('Operations')}; give Operations=['Encrypt'].")
    constraints = grant.get("Constraints") or {}
    pairs = constraints.get("EncryptionContextSubset") or constraints.get("EncryptionContextEquals")
    result.add(f"the grant requires project={project}", pairs == {"project": project},
               f"the grant's constraints are {constraints or 'none'}; pass "
               f"Constraints={{'EncryptionContextSubset': {{'project': '{project}'}}}}.")


def check(course: Course, key_id: Any, project: str = PROJECT) -> CheckResult:
    """The key's policy and grants share it as the lab asks (`project`: the context value, lab09 in the lab)."""
    result = CheckResult("Lab 09")
    colleague, outsider = _user_arn(course, "colleague"), _user_arn(course, "outsider")
    if not result.add("the colleague and the outsider exist", bool(colleague and outsider),
                      "run the setup cell first: it creates them with kmscourse.cast."):
        return result.finish()
    kms = course.client("kms")
    try:
        policy = kms.get_key_policy(KeyId=str(key_id), PolicyName="default")["Policy"]
        grants = kms.list_grants(KeyId=str(key_id))["Grants"]
    except ClientError as exc:
        result.add("the key's policy can be read", False,
                   f"KMS says {exc.response['Error']['Code']} for key_id {key_id!r}; use lab_key.key_id.")
        return result.finish()
    assert colleague is not None and outsider is not None
    check_policy(result, course, policy, colleague, project)
    check_grant(result, grants, outsider, project)
    return result.finish()
