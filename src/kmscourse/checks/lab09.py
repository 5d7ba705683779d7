"""Lab 09: share a key with the colleague for decryption only, under a context condition, and grant the outsider Encrypt."""
from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from .. import demo_keys, policy_table
from ..course import Course
from .notebook import NOT_SET, answer, is_set, require
from .result import CheckResult

PROJECT = "lab09"
"""The encryption context value (`project`) the lab asks for."""

TEAM_KEY = "lab09-team"
"""The suffix of the teammate's key in Exercise 3 (`alias/kmscourse-<learner>-lab09-team`)."""

REPORTS = "payroll"
"""The project of the reports the colleague must be able to decrypt with the teammate's key."""

TEAMMATES_CONDITION = "kms:EncryptionContext:team"
"""The condition key the teammate's statement tests, which the reports' encryption context does not have."""

CONTEXT_KEY = "kms:EncryptionContext:project"
_OTHER_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:PutKeyPolicy", "kms:CreateGrant",
                  "kms:ScheduleKeyDeletion", "kms:DisableKey")


def _user_arn(course: Course, role: str) -> str | None:
    try:
        return str(course.client("iam").get_user(UserName=course.name(role))["User"]["Arn"])
    except ClientError:
        return None


def _tests(conditions: str) -> list[tuple[str, str, list[Any]]]:
    """A statement's conditions (as policy_table.Row keeps them) as (operator, condition key, values)."""
    found = []
    for operator, tests in (json.loads(conditions) if conditions else {}).items():
        for key, values in tests.items() if isinstance(tests, dict) else []:
            found.append((str(operator), str(key), values if isinstance(values, list) else [values]))
    return found


def _requires_exactly(conditions: str, project: str) -> bool:
    """True when the conditions include StringEquals kms:EncryptionContext:project = project (that value alone)."""
    return any(op == "StringEquals" and key.lower() == CONTEXT_KEY.lower() and values == [project]
               for op, key, values in _tests(conditions))


def describe_conditions(conditions: str) -> str:
    """The conditions as the learner wrote them, in words: 'StringLike kms:EncryptionContext:project = lab*'."""
    tests = _tests(conditions)
    if not tests:
        return "no condition, so it applies to any encryption context"
    return " and ".join(f"{op} {key} = {', '.join(str(v) for v in values)}" for op, key, values in tests)


def check_policy(result: CheckResult, course: Course, policy: str, colleague: str, project: str) -> None:
    """The policy items: you stay administrator, no root statement, the colleague decrypts under the condition only."""
    you = course.principal_arn
    missing = policy_table.missing(policy, you, policy_table.ADMIN_ACTIONS)
    result.add("the key policy keeps you key administrator", not missing,
               f"no statement naming you ({you}) allows {', '.join(missing)}; without a root statement only the key "
               "policy lets you manage the key, so give yourself a statement that allows them (Exercise 1).")
    root = policy_table.root_statement(policy, course.account_id)
    result.add("the key policy has no account-root statement", root is None,
               f"statement {root.sid if root else ''} allows kms:* to the account root, so any IAM policy in the account can "
               "grant use of the key: the colleague's AdministratorAccess alone would let them do anything with it. The lab "
               "asks you to remove it; weigh what that costs (above) before you do the same on a real key.")
    decrypts = [r for r in policy_table.rows(policy) if r.effect == "Allow" and colleague in r.principals
                and any(fnmatchcase("kms:decrypt", a.lower()) for a in r.actions)]
    result.add("the key policy lets the colleague decrypt", bool(decrypts),
               f"no Allow statement names the colleague ({colleague}) with kms:Decrypt; add one (Exercise 1).")
    extra = [a for a in _OTHER_ACTIONS if policy_table.allows(policy, colleague, a)]
    result.add("the colleague may do nothing else", not extra,
               f"the policy also lets the colleague do {', '.join(extra)}; list only kms:Decrypt in their statement.")
    loose = [r for r in decrypts if not _requires_exactly(r.conditions, project)]
    wanted = f'"Condition": {{"StringEquals": {{"{CONTEXT_KEY}": "{project}"}}}}'
    hint = (f"the colleague's statement {loose[0].sid} requires {describe_conditions(loose[0].conditions)}; that is not "
            f"project={project} alone. Write {wanted}.") if loose else "add the colleague's kms:Decrypt statement first."
    result.add(f"the colleague's decrypt requires project={project}", bool(decrypts) and not loose, hint)


def check_grant(result: CheckResult, grants: list[dict[str, Any]], outsider: str, project: str) -> None:
    """The grant items: the outsider may Encrypt (only), and only with this project in the context."""
    theirs = [g for g in grants if g.get("GranteePrincipal") == outsider]
    if not result.add("a grant names the outsider", bool(theirs),
                      f"no grant on the key names the outsider ({outsider}); call create_grant(GranteePrincipal=outsider.arn, ...) (Exercise 2)."):
        return
    grant = next((g for g in theirs if g.get("Operations") == ["Encrypt"]), theirs[0])
    result.add("the outsider's grant allows Encrypt only", grant.get("Operations") == ["Encrypt"],
               f"the grant lists {grant.get('Operations')}; give Operations=['Encrypt'].")
    constraints = grant.get("Constraints") or {}
    pairs = constraints.get("EncryptionContextSubset") or constraints.get("EncryptionContextEquals")
    result.add(f"the grant requires project={project}", pairs == {"project": project},
               f"the grant's constraints are {constraints or 'none'}; pass "
               f"Constraints={{'EncryptionContextSubset': {{'project': '{project}'}}}}.")


def _as_colleague_decrypts(course: Course, key_id: str, project: str) -> str:
    """Encrypt a probe as you under `project`, and decrypt it as the colleague: '' when allowed, else the refusal."""
    from .. import cast

    context = {"project": project}
    try:
        blob = course.client("kms").encrypt(KeyId=key_id, Plaintext=b"lab 09 check probe", EncryptionContext=context)["CiphertextBlob"]
    except ClientError as exc:
        return f"you cannot encrypt with it any more ({exc.response['Error']['Code']}); keep your own statement"
    try:
        cast.colleague(course).client("kms").decrypt(CiphertextBlob=blob, EncryptionContext=context, KeyId=key_id)
    except ClientError as exc:
        return f"{exc.response['Error']['Code']}: {exc.response['Error'].get('Message', '')}"
    return ""


def check_team_key(result: CheckResult, course: Course, denied_action: Any, wrong_condition: Any) -> None:
    """Exercise 3: the AccessDenied diagnosed from its message and the key policy, and the teammate's policy fixed."""
    alias = demo_keys.alias_for(course, TEAM_KEY)
    kms = course.client("kms")
    try:
        key_id = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]
        policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    except ClientError:
        result.add("the teammate's key exists", False, f"there is no {alias}; run the setup cell, which creates team_key.")
        return
    colleague = _user_arn(course, "colleague") or ""
    if not result.add("the teammate's policy is on team_key", any(colleague in r.principals for r in policy_table.rows(policy)),
                      "team_key's policy names no colleague yet (it is still the default one); run the first cell of "
                      "Exercise 3, which puts the teammate's policy on it and shows the colleague's refusal."):
        return
    if require(result, denied_action, "denied_action", "do Exercise 3", "denied_action is the action AWS refused"):
        result.add("denied_action is the action AWS refused", str(denied_action).strip().lower() == "kms:decrypt",
                   f"your denied_action is {denied_action!r}; the message names the action after 'not authorized to "
                   "perform:', with its service prefix.")
    if require(result, wrong_condition, "wrong_condition", "do Exercise 3", "wrong_condition is the condition the request failed"):
        hint = (f"your wrong_condition is {wrong_condition!r}; it is the condition key in the teammate's statement for the "
                "colleague that the report's encryption context cannot satisfy.")
        if str(wrong_condition).lower() == CONTEXT_KEY.lower():
            hint = (f"{CONTEXT_KEY} is what the statement should test (the reports carry project={REPORTS}); which key does "
                    "the teammate's statement test instead?")
        result.add("wrong_condition is the condition the request failed", str(wrong_condition).lower() == TEAMMATES_CONDITION.lower(), hint)
    refused = _as_colleague_decrypts(course, key_id, REPORTS)
    result.add(f"the colleague can decrypt a {REPORTS} report with team_key", not refused,
               f"decrypting a report with project={REPORTS} as the colleague still fails ({refused}); fix the teammate's "
               "statement so its condition matches the reports' encryption context, and put the policy on team_key (Exercise 3).")
    other = _as_colleague_decrypts(course, key_id, "marketing")
    result.add("and nothing but those reports", bool(other),
               f"the colleague can now decrypt data whose context is project=marketing too; allow kms:Decrypt only with "
               f"{CONTEXT_KEY} = {REPORTS} (and no account-root statement, which would hand the decision to their "
               "AdministratorAccess).")


def check(course: Course, key_id: Any = NOT_SET, project: str = PROJECT, denied_action: Any = NOT_SET,
          wrong_condition: Any = NOT_SET) -> CheckResult:
    """The key's policy and grants share it as the lab asks (`project`: the context value, lab09 in the lab).

    The lab's check cell, `lab09.check(course)`, reads `lab_key`, `denied_action` and `wrong_condition` from the notebook
    and also checks Exercise 3 (the teammate's key). Lesson 09 passes its own key and project, and only those are checked.
    """
    result = CheckResult("Lab 09")
    lab = key_id is NOT_SET
    if lab:
        key_id = getattr(answer(NOT_SET, "lab_key"), "key_id", NOT_SET)
        if not require(result, key_id, "lab_key", "run the setup cell", "the lab's key exists"):
            return result.finish()
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
    if lab or is_set(denied_action) or is_set(wrong_condition):
        check_team_key(result, course, answer(denied_action, "denied_action"), answer(wrong_condition, "wrong_condition"))
    return result.finish()
