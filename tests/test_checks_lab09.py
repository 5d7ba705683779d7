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
        "statement Root allows kms:* to the account root, so the colleague's AdministratorAccess would let them do "
        "anything with the key; remove that statement.",
        f"no grant on the key names the outsider ({outsider.arn}); call create_grant(GranteePrincipal=outsider.arn, ...).",
    ]


def test_colleague_gets_too_much_and_no_condition(course, cast_members) -> None:
    colleague, outsider = cast_members
    key_id = _key(course, "broad", _statement(colleague.arn, ["kms:Decrypt", "kms:Encrypt"]))
    _grant(course, key_id, outsider.arn, ["Encrypt"], {"EncryptionContextSubset": {"project": "lab09"}})
    assert lab09.check(course, key_id).hints() == [
        "the policy also lets the colleague do kms:Encrypt; list only kms:Decrypt in their statement.",
        "the colleague's statement requires no encryption context; add "
        '"Condition": {"StringEquals": {"kms:EncryptionContext:project": "lab09"}}.',
    ]


def test_wrong_project_and_colleague_missing(course, cast_members) -> None:
    colleague, outsider = cast_members
    wrong = {"StringEquals": {"kms:EncryptionContext:project": "lab9"}}
    key_id = _key(course, "wrongproject", _statement(outsider.arn, "kms:Decrypt", wrong))
    hints = lab09.check(course, key_id).hints()
    assert hints[0] == f"no Allow statement names the colleague ({colleague.arn}) with kms:Decrypt; add one."
    assert hints[1] == "add the colleague's kms:Decrypt statement first."
    key_id = _key(course, "wrongproject2", _statement(colleague.arn, "kms:Decrypt", wrong))
    assert lab09.check(course, key_id).hints()[0].startswith("the colleague's statement requires project=lab9; add")


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
