"""Lab 09's check: each mistake gets its own hint naming the learner's value."""
from __future__ import annotations

import json

import pytest

from kmscourse import cast
from kmscourse.checks import lab09
from kmscourse.demo_keys import ensure_key

CONDITION = {"StringEquals": {"kms:EncryptionContext:project": "lab09"}}



@pytest.fixture
def cast_members(course):
    return cast.colleague(course), cast.outsider(course)


def _statement(principal: str, actions, condition=None) -> dict:
    found = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions, "Resource": "*"}
    return {**found, "Condition": condition} if condition else found


def _key(course, name: str, *statements: dict) -> str:
    key_id = ensure_key(course, f"test09-{name}", "lab 09 test").key_id
    policy = {"Version": "2012-10-17", "Statement": [_statement(course.principal_arn, "kms:*"), *statements]}
    course.client("kms").put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
    return key_id


def _grant(course, key_id: str, grantee: str, operations: list[str], constraints: dict | None = None) -> None:
    extra = {"Constraints": constraints} if constraints else {}
    course.client("kms").create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=operations, **extra)


def test_right_answers_pass(course, cast_members) -> None:
    colleague, outsider = cast_members
    key_id = _key(course, "ok", _statement(colleague.arn, "kms:Decrypt", CONDITION))
    _grant(course, key_id, outsider.arn, ["Encrypt"], {"EncryptionContextSubset": {"project": "lab09"}})
    result = lab09.check(course, key_id)
    assert result.passed, str(result)


def test_root_statement_kept_and_no_grant(course, cast_members) -> None:
    colleague, outsider = cast_members
    root = {"Sid": "Root", **_statement(f"arn:aws:iam::{course.account_id}:root", "kms:*")}
    key_id = _key(course, "root", root, _statement(colleague.arn, "kms:Decrypt", CONDITION))
    assert lab09.check(course, key_id).hints() == [
        "statement Root allows kms:* to the account root, so any IAM policy in the account can grant use of the key: the "
        "colleague's AdministratorAccess alone would let them do anything with it. The lab asks you to remove it; weigh "
        "what that costs (above) before you do the same on a real key.",
        f"no grant on the key names the outsider ({outsider.arn}); call create_grant(GranteePrincipal=outsider.arn, ...) (Exercise 2).",
    ]


def test_colleague_gets_too_much_and_no_condition(course, cast_members) -> None:
    colleague, outsider = cast_members
    key_id = _key(course, "broad", _statement(colleague.arn, ["kms:Decrypt", "kms:Encrypt"]))
    _grant(course, key_id, outsider.arn, ["Encrypt"], {"EncryptionContextSubset": {"project": "lab09"}})
    assert lab09.check(course, key_id).hints() == [
        "the policy also lets the colleague do kms:Encrypt; list only kms:Decrypt in their statement.",
        "the colleague's statement (statement 2) requires no condition, so it applies to any encryption context; that is "
        'not project=lab09 alone. Write "Condition": {"StringEquals": {"kms:EncryptionContext:project": "lab09"}}.',
    ]


def test_wrong_project_and_colleague_missing(course, cast_members) -> None:
    colleague, outsider = cast_members
    wrong = {"StringEquals": {"kms:EncryptionContext:project": "lab9"}}
    key_id = _key(course, "wrongproject", _statement(outsider.arn, "kms:Decrypt", wrong))
    hints = lab09.check(course, key_id).hints()
    assert hints[0] == f"no Allow statement names the colleague ({colleague.arn}) with kms:Decrypt; add one (Exercise 1)."
    assert hints[1] == "add the colleague's kms:Decrypt statement first."
    key_id = _key(course, "wrongproject2", _statement(colleague.arn, "kms:Decrypt", wrong))
    assert lab09.check(course, key_id).hints()[0].startswith(
        "the colleague's statement (statement 2) requires StringEquals kms:EncryptionContext:project = lab9; that is not "
        "project=lab09 alone.")


def test_grant_with_wrong_operations_and_no_constraint(course, cast_members) -> None:
    colleague, outsider = cast_members
    key_id = _key(course, "grant", _statement(colleague.arn, "kms:Decrypt", CONDITION))
    _grant(course, key_id, outsider.arn, ["Encrypt", "Decrypt"])
    assert lab09.check(course, key_id).hints() == [
        "the grant lists ['Encrypt', 'Decrypt']; give Operations=['Encrypt'].",
        "the grant's constraints are none; pass Constraints={'EncryptionContextSubset': {'project': 'lab09'}}.",
    ]


def test_unknown_key(course, cast_members) -> None:
    assert lab09.check(course, "not-a-key").hints() == [
        "KMS says NotFoundException for key_id 'not-a-key'; use lab_key.key_id."
    ]


def _shared(course, cast_members, name: str, condition) -> str:
    colleague, outsider = cast_members
    key_id = _key(course, name, _statement(colleague.arn, "kms:Decrypt", condition))
    _grant(course, key_id, outsider.arn, ["Encrypt"], {"EncryptionContextSubset": {"project": "lab09"}})
    return key_id


def test_the_value_as_a_one_item_list_passes(course, cast_members) -> None:
    key_id = _shared(course, cast_members, "list", {"StringEquals": {"kms:EncryptionContext:project": ["lab09"]}})
    assert lab09.check(course, key_id).passed


@pytest.mark.parametrize(("condition", "wrote"), [
    ({"StringLike": {"kms:EncryptionContext:project": "lab*"}}, "StringLike kms:EncryptionContext:project = lab*"),
    ({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": "project"}}, "ForAnyValue:StringEquals kms:EncryptionContextKeys = project"),
    ({"StringEquals": {"kms:EncryptionContext:team": "lab09"}}, "StringEquals kms:EncryptionContext:team = lab09"),
])
def test_the_hint_states_the_condition_as_written(course, cast_members, condition, wrote) -> None:
    """Whatever condition the learner wrote, the hint quotes it rather than claiming there is none."""
    key_id = _shared(course, cast_members, "wrote" + str(abs(hash(wrote)) % 1000), condition)
    assert lab09.check(course, key_id).hints() == [
        f"the colleague's statement (statement 2) requires {wrote}; that is not project=lab09 alone. Write "
        '"Condition": {"StringEquals": {"kms:EncryptionContext:project": "lab09"}}.'
    ]


def _team_key(course, colleague, condition_key: str = "kms:EncryptionContext:team") -> str:
    """Exercise 3's key with the teammate's policy (condition on `condition_key`), as the lab's cell puts it."""
    key_id = ensure_key(course, lab09.TEAM_KEY, "lab 09 team key").key_id
    policy = {"Version": "2012-10-17", "Statement": [
        _statement(course.principal_arn, "kms:*"),
        _statement(colleague.arn, "kms:Decrypt", {"StringEquals": {condition_key: "payroll"}})]}
    course.client("kms").put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
    return key_id


def test_the_teammates_key_diagnosed_and_fixed_passes(course, cast_members) -> None:
    colleague, _ = cast_members
    key_id = _shared(course, cast_members, "team-ok", CONDITION)
    _team_key(course, colleague, condition_key="kms:EncryptionContext:project")
    result = lab09.check(course, key_id, denied_action="kms:Decrypt", wrong_condition="kms:EncryptionContext:team")
    assert result.passed, str(result)


def test_the_teammates_key_left_broken(course, cast_members) -> None:
    colleague, _ = cast_members
    key_id = _shared(course, cast_members, "team-broken", CONDITION)
    team = _team_key(course, colleague)
    hints = lab09.check(course, key_id, denied_action="Decrypt", wrong_condition="kms:EncryptionContext:project").hints()
    assert hints[0] == ("your denied_action is 'Decrypt'; the message names the action after 'not authorized to perform:', "
                        "with its service prefix.")
    assert hints[1].startswith("kms:EncryptionContext:project is what the statement should test")
    assert hints[2].startswith(f"decrypting a report with project=payroll as the colleague still fails (AccessDeniedException: "
                               f"User: {colleague.arn} is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:")
    assert team in hints[2] and len(hints) == 3


def test_a_root_statement_fixes_too_much(course, cast_members) -> None:
    """Adding the root statement lets the colleague decrypt the reports, through AdministratorAccess: and everything else."""
    colleague, _ = cast_members
    key_id = _shared(course, cast_members, "team-root", CONDITION)
    team = _team_key(course, colleague)
    root = _statement(f"arn:aws:iam::{course.account_id}:root", "kms:*")
    policy = json.loads(course.client("kms").get_key_policy(KeyId=team, PolicyName="default")["Policy"])
    course.client("kms").put_key_policy(KeyId=team, PolicyName="default", Policy=json.dumps({**policy, "Statement": [*policy["Statement"], root]}))
    hints = lab09.check(course, key_id, denied_action="kms:Decrypt", wrong_condition="kms:EncryptionContext:team").hints()
    assert hints == [
        "the colleague can now decrypt data whose context is project=marketing too; allow kms:Decrypt only with "
        "kms:EncryptionContext:project = payroll (and no account-root statement, which would hand the decision to their "
        "AdministratorAccess)."
    ]


def test_nothing_defined_yet_names_the_steps(course) -> None:
    assert lab09.check(course).hints() == ["lab_key is not defined yet: run the setup cell first (its cell defines lab_key)."]


def test_the_teammates_policy_not_put_yet(course, cast_members) -> None:
    """Before Exercise 3's first cell, team_key has its default policy: the check says to run that cell."""
    key_id = _shared(course, cast_members, "team-default", CONDITION)
    team = ensure_key(course, lab09.TEAM_KEY, "lab 09 team key").key_id
    default = {"Version": "2012-10-17", "Statement": [_statement(f"arn:aws:iam::{course.account_id}:root", "kms:*")]}
    course.client("kms").put_key_policy(KeyId=team, PolicyName="default", Policy=json.dumps(default))
    assert lab09.check(course, key_id, denied_action="kms:Decrypt").hints() == [
        "team_key's policy names no colleague yet (it is still the default one); run the first cell of Exercise 3, which "
        "puts the teammate's policy on it and shows the colleague's refusal."
    ]
