"""policy_table: the who-can-do-what table and the allows() question on real and hand-written policies."""
from __future__ import annotations

import json

from kmscourse import policy_table

ME = "arn:aws:iam::123456789012:user/learner"
ROOT_STMT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_wildcards_and_case_match_actions() -> None:
    p = policy({"Effect": "Allow", "Principal": {"AWS": [ME]}, "Action": ["kms:ReEncrypt*", "kms:generatedatakey*"], "Resource": "*"})
    assert policy_table.allows(p, ME, "kms:ReEncryptFrom")
    assert policy_table.allows(p, ME, "kms:GenerateDataKeyWithoutPlaintext")
    assert not policy_table.allows(p, ME, "kms:Decrypt")


def test_root_statement_delegates_but_does_not_name_you() -> None:
    p = policy(ROOT_STMT)
    assert not policy_table.allows(p, ME, "kms:Decrypt")
    assert policy_table.allows(p, ME, "kms:Decrypt", direct=False)
    assert policy_table.root_statement(p, "123456789012").sid == "Root"
    assert policy_table.root_statement(p, "210987654321") is None


def test_account_id_principal_is_the_root() -> None:
    p = policy({"Sid": "R", "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "kms:*", "Resource": "*"})
    assert policy_table.rows(p)[0].principals == ("arn:aws:iam::123456789012:root",)
    assert policy_table.root_statement(p, "123456789012") is not None


def test_deny_wins() -> None:
    p = policy({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
               {"Effect": "Deny", "Principal": {"AWS": ME}, "Action": "kms:Decrypt", "Resource": "*"})
    assert policy_table.allows(p, ME, "kms:Encrypt")
    assert not policy_table.allows(p, ME, "kms:Decrypt")
    assert policy_table.missing(p, ME, ("kms:Encrypt", "kms:Decrypt")) == ["kms:Decrypt"]


def test_markdown_names_you_and_the_root_in_words() -> None:
    p = policy(ROOT_STMT, {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": ME}, "Action": ["kms:Encrypt"], "Resource": "*",
                           "Condition": {"StringEquals": {"kms:EncryptionContext:app": "x"}}})
    text = policy_table.markdown(p, you=ME)
    lines = text.splitlines()
    assert lines[0] == "| Statement | Effect | Who | Can do | Conditions |"
    assert "account 123456789012" in lines[2] and "IAM policies in that account decide" in lines[2]
    assert lines[3].startswith("| Use | Allow | you (`arn:aws:iam::123456789012:user/learner`) | `kms:Encrypt` |")
    assert "kms:EncryptionContext:app" in lines[3]


def test_course_key_policy_makes_the_learner_admin_and_user(course) -> None:
    from kmscourse import prereqs

    key = prereqs.ensure_course_key(course)
    p = course.client("kms").get_key_policy(KeyId=key.key_id, PolicyName="default")["Policy"]
    assert policy_table.missing(p, course.principal_arn, policy_table.ADMIN_ACTIONS) == []
    assert policy_table.missing(p, course.principal_arn, policy_table.USE_ACTIONS) == []
    assert policy_table.allows(p, course.principal_arn, "kms:Encrypt")
    assert [r.sid for r in policy_table.rows(p)] == ["EnableIAMPoliciesInThisAccount", "AllowKeyAdministration", "AllowKeyUse"]
    # the administrator statement alone does not let you encrypt: that is the user statement's job
    admin_only = json.loads(p)
    admin_only["Statement"] = admin_only["Statement"][:2]
    assert policy_table.missing(admin_only, course.principal_arn, policy_table.USE_ACTIONS) == list(policy_table.USE_ACTIONS)
