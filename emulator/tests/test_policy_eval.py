"""Unit tests for policy statement matching, conditions and the KMS access decision (no server)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kmsemu.iam import conditions, policy
from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller, account_of
from kmsemu.kms import grants

ACCT = "111122223333"
USER = f"arn:aws:iam::{ACCT}:user/alice"
KEY = f"arn:aws:kms:us-west-2:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}


class FakeCaller(Caller):
    """A caller whose identity-based policies are given directly."""

    def __init__(self, docs: list[dict], arn: str = USER, principal_arn: str | None = None, session_policy: str | None = None):
        super().__init__(arn, ACCT, principal_arn or arn, "User", "secret", arn.rsplit("/", 1)[-1], session_policy)
        object.__setattr__(self, "_docs", [json.dumps(d) for d in docs])

    def policy_documents(self) -> list:
        return list(self._docs)  # type: ignore[attr-defined]


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def key(*statements: dict, grant_list: tuple = ()) -> SimpleNamespace:
    return SimpleNamespace(arn=KEY, policy=json.dumps(doc(*statements)), grants={str(i): g for i, g in enumerate(grant_list)},
                           aliases={}, key_manager="CUSTOMER")


def check(action: str = "kms:Decrypt", k: SimpleNamespace | None = None, ctx: dict | None = None, ec: dict | None = None) -> Check:
    return Check(action, KEY if k is not None else "*", k, ctx or {}, ec)


IAM_DECRYPT = doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY})


# --- conditions ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("block, context, expected", [
    ({"StringEquals": {"kms:EncryptionContext:dept": "hr"}}, {"kms:encryptioncontext:dept": "hr"}, True),
    ({"StringEquals": {"kms:EncryptionContext:dept": "hr"}}, {"kms:encryptioncontext:dept": "HR"}, False),
    ({"StringEquals": {"kms:EncryptionContext:dept": "hr"}}, {}, False),
    ({"StringNotEquals": {"kms:CallerAccount": ACCT}}, {}, True),
    ({"StringNotEquals": {"kms:CallerAccount": ACCT}}, {"kms:calleraccount": ACCT}, False),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/a*"}}, {"aws:principalarn": USER}, True),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/b?"}}, {"aws:principalarn": USER}, False),
    ({"StringEqualsIfExists": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}, {}, True),
    ({"StringEqualsIfExists": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}, {"kms:viaservice": "ec2.x"}, False),
    ({"Bool": {"kms:GrantIsForAWSResource": True}}, {"kms:grantisforawsresource": "true"}, True),
    ({"Bool": {"kms:GrantIsForAWSResource": "true"}}, {"kms:grantisforawsresource": "false"}, False),
    ({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:user/*"}}, {"aws:principalarn": USER}, True),
    ({"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/*"}}, {"aws:principalarn": USER}, False),
    ({"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/*"}}, {"aws:principalarn": USER}, True),
    ({"Null": {"kms:ViaService": "true"}}, {}, True),
    ({"Null": {"kms:ViaService": "false"}}, {}, False),
    ({"Null": {"kms:ViaService": "false"}}, {"kms:viaservice": "s3"}, True),
    ({"NumericLessThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": "10"}}, {"kms:schedulekeydeletionpendingwindowindays": "7"}, True),
    ({"NumericGreaterThan": {"kms:ScheduleKeyDeletionPendingWindowInDays": 10}}, {"kms:schedulekeydeletionpendingwindowindays": "7"}, False),
    ({"NumericLessThanIfExists": {"x:n": "1"}}, {}, True),
    ({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["a", "b"]}}, {"kms:encryptioncontextkeys": ["b", "c"]}, True),
    ({"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["a"]}}, {}, False),
    ({"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "Encrypt"]}}, {"kms:grantoperations": ["Decrypt"]}, True),
    ({"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]}}, {"kms:grantoperations": ["Decrypt", "CreateGrant"]}, False),
    ({"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]}}, {}, True),
    ({"ForAllValues:StringLike": {"kms:EncryptionContextKeys": "app*"}}, {"kms:encryptioncontextkeys": ["app", "apple"]}, True),
    ({"StringEquals": {"kms:EncryptionContext:a": "1"}, "Bool": {"aws:SecureTransport": "false"}},
     {"kms:encryptioncontext:a": "1", "aws:securetransport": "false"}, True),
])
def test_condition_operators(block: dict, context: dict, expected: bool) -> None:
    assert conditions.evaluate(block, context) is expected


def test_unknown_operator_is_reported() -> None:
    with pytest.raises(conditions.UnknownOperator):
        conditions.evaluate({"StringSortOf": {"a": "b"}}, {"a": "b"})


@given(st.text(alphabet="ab*?", max_size=6), st.text(alphabet="ab", max_size=6))
def test_wildcards_agree_with_fnmatch_on_plain_text(pattern: str, value: str) -> None:
    import fnmatch

    assert conditions.like(value, pattern) is fnmatch.fnmatchcase(value, pattern)


def test_brackets_are_literal_in_policy_wildcards() -> None:
    assert conditions.like("[a]", "[a]") and not conditions.like("a", "[a]")


# --- statements ---------------------------------------------------------------------------------------------

def test_action_is_case_insensitive_and_resource_is_not() -> None:
    (s,) = policy.statements(doc({"Effect": "Allow", "Action": "KMS:decrypt", "Resource": KEY.upper()}))
    assert policy.action_matches(s, "kms:Decrypt")
    assert not policy.resource_matches(s, KEY)


def test_not_action_and_not_resource() -> None:
    (s,) = policy.statements(doc({"Effect": "Deny", "NotAction": "kms:Describe*", "NotResource": "arn:aws:kms:*:*:alias/*"}))
    assert policy.action_matches(s, "kms:Decrypt") and not policy.action_matches(s, "kms:DescribeKey")
    assert policy.resource_matches(s, KEY)


def test_star_resource_request_needs_star_in_policy() -> None:
    (s,) = policy.statements(doc({"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "arn:aws:kms:*"}))
    assert not policy.resource_matches(s, "*")


@pytest.mark.parametrize("principal, expected", [
    ("*", policy.PrincipalMatch.DIRECT),
    ({"AWS": "*"}, policy.PrincipalMatch.DIRECT),
    ({"AWS": USER}, policy.PrincipalMatch.DIRECT),
    ({"AWS": [ACCT]}, policy.PrincipalMatch.ACCOUNT),
    ({"AWS": f"arn:aws:iam::{ACCT}:root"}, policy.PrincipalMatch.ACCOUNT),
    ({"AWS": "arn:aws:iam::444455556666:root"}, policy.PrincipalMatch.NONE),
    ({"Service": "s3.amazonaws.com"}, policy.PrincipalMatch.NONE),
])
def test_principal_forms(principal: object, expected: policy.PrincipalMatch) -> None:
    (s,) = policy.statements(doc({"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}))
    assert policy.principal_match(s, FakeCaller([])) is expected


def test_not_principal_covers_everyone_else() -> None:
    (s,) = policy.statements(doc({"Effect": "Deny", "NotPrincipal": {"AWS": USER}, "Action": "kms:*", "Resource": "*"}))
    assert policy.principal_match(s, FakeCaller([])) is policy.PrincipalMatch.NONE
    assert policy.principal_match(s, FakeCaller([], arn=f"arn:aws:iam::{ACCT}:user/bob")) is policy.PrincipalMatch.DIRECT


def test_not_principal_with_the_account_exempts_only_those_listed() -> None:
    listed = {"AWS": [USER, f"arn:aws:iam::{ACCT}:root"]}
    (s,) = policy.statements(doc({"Effect": "Deny", "NotPrincipal": listed, "Action": "kms:*", "Resource": "*"}))
    assert policy.principal_match(s, FakeCaller([])) is policy.PrincipalMatch.NONE
    assert policy.principal_match(s, FakeCaller([], arn=f"arn:aws:iam::{ACCT}:user/bob")) is policy.PrincipalMatch.DIRECT
    assert policy.principal_match(s, FakeCaller([], arn=f"arn:aws:iam::{ACCT}:root")) is policy.PrincipalMatch.NONE


def test_role_principal_covers_its_sessions() -> None:
    role = f"arn:aws:iam::{ACCT}:role/reader"
    caller = FakeCaller([], arn=f"arn:aws:sts::{ACCT}:assumed-role/reader/s1", principal_arn=role)
    (s,) = policy.statements(doc({"Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:*", "Resource": "*"}))
    assert policy.principal_match(s, caller) is policy.PrincipalMatch.DIRECT


def test_policy_given_as_dict_or_bad_text() -> None:
    assert len(policy.statements(doc(ROOT))) == 1
    assert policy.statements("not json") == ()
    assert account_of(ACCT) == account_of(f"arn:aws:iam::{ACCT}:root") == ACCT


# --- decisions ------------------------------------------------------------------------------------------------

def test_key_policy_allow_for_the_principal_is_enough() -> None:
    k = key({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:Decrypt", "Resource": "*"})
    assert decide(FakeCaller([]), check(k=k)).allowed


def test_root_statement_delegates_to_iam() -> None:
    assert decide(FakeCaller([IAM_DECRYPT]), check(k=key(ROOT))).allowed
    denied = decide(FakeCaller([]), check(k=key(ROOT)))
    assert not denied.allowed and "no identity-based policy allows the kms:Decrypt action" in denied.reason


def test_without_root_statement_iam_grants_nothing() -> None:
    other = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:user/bob"}, "Action": "kms:*", "Resource": "*"}
    d = decide(FakeCaller([IAM_DECRYPT]), check(k=key(other)))
    assert not d.allowed and "no resource-based policy allows" in d.reason


def test_delegation_is_per_action() -> None:
    describe_only = dict(ROOT, Action="kms:DescribeKey")
    assert not decide(FakeCaller([IAM_DECRYPT]), check(k=key(describe_only))).allowed


def test_explicit_deny_wins_in_either_policy() -> None:
    deny_key = {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
    d = decide(FakeCaller([IAM_DECRYPT]), check(k=key(ROOT, deny_key)))
    assert not d.allowed and "explicit deny in a resource-based policy" in d.reason
    deny_iam = doc({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    allow_me = {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:*", "Resource": "*"}
    d = decide(FakeCaller([deny_iam]), check(k=key(allow_me)))
    assert not d.allowed and "explicit deny in an identity-based policy" in d.reason


def test_deny_naming_the_account_applies_to_its_users() -> None:
    deny = dict(ROOT, Effect="Deny", Action="kms:Decrypt")
    assert not decide(FakeCaller([IAM_DECRYPT]), check(k=key(ROOT, deny))).allowed


def test_conditions_in_key_policy() -> None:
    k = key({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:Decrypt", "Resource": "*",
             "Condition": {"StringEquals": {"kms:EncryptionContext:project": "alpha"}}})
    assert decide(FakeCaller([]), check(k=k, ctx={"kms:encryptioncontext:project": "alpha"})).allowed
    assert not decide(FakeCaller([]), check(k=k, ctx={"kms:encryptioncontext:project": "beta"})).allowed


def test_iam_only_actions_use_resource_star() -> None:
    create = doc({"Effect": "Allow", "Action": "kms:CreateKey", "Resource": "*"})
    assert decide(FakeCaller([create]), check("kms:CreateKey")).allowed
    d = decide(FakeCaller([]), check("kms:CreateKey"))
    assert d.message(FakeCaller([]), check("kms:CreateKey")) == (
        f"User: {USER} is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy "
        "allows the kms:CreateKey action"
    )


def test_session_policy_limits_the_role() -> None:
    role = f"arn:aws:iam::{ACCT}:role/r"
    session = json.dumps(doc({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}))
    caller = FakeCaller([IAM_DECRYPT], arn=f"arn:aws:sts::{ACCT}:assumed-role/r/s", principal_arn=role, session_policy=session)
    assert not decide(caller, check(k=key(ROOT))).allowed


def test_aws_managed_key_works_only_through_its_service() -> None:
    managed_key = SimpleNamespace(arn=KEY, policy=json.dumps(doc(ROOT)), grants={}, aliases={"alias/aws/s3": None},
                                  key_manager="CUSTOMER", account_id=ACCT, region="us-west-2")
    me = FakeCaller([doc({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})])
    direct = {"kms:calleraccount": ACCT}
    assert not decide(me, check("kms:Encrypt", k=managed_key, ctx=direct)).allowed
    assert decide(me, check("kms:Encrypt", k=managed_key, ctx={**direct, "kms:viaservice": "s3.us-west-2.amazonaws.com"})).allowed
    assert decide(me, check("kms:DescribeKey", k=managed_key, ctx=direct)).allowed
    assert managed_key.key_manager == "AWS" and "auto-s3-2" in managed_key.policy


# --- grants -----------------------------------------------------------------------------------------------------

def grant(ops: list[str], constraints: dict | None = None, grantee: str = USER) -> SimpleNamespace:
    return SimpleNamespace(grantee_principal=grantee, retiring_principal=None, operations=ops, constraints=constraints or {}, token="t")


def test_grant_allows_its_operations_only() -> None:
    k = key(grant_list=(grant(["Decrypt"]),))
    assert decide(FakeCaller([]), check(k=k, ec={})).allowed
    assert not decide(FakeCaller([]), check("kms:Encrypt", k=k, ec={})).allowed


def test_grant_is_overridden_by_deny() -> None:
    k = key({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}, grant_list=(grant(["Decrypt"]),))
    assert not decide(FakeCaller([]), check(k=k, ec={})).allowed


@pytest.mark.parametrize("constraints, ec, expected", [
    ({"EncryptionContextSubset": {"Dept": "hr"}}, {"dept": "hr", "x": "1"}, True),
    ({"EncryptionContextSubset": {"dept": "hr"}}, {"dept": "HR"}, False),
    ({"EncryptionContextSubset": {"dept": "hr"}}, {}, False),
    ({"EncryptionContextEquals": {"dept": "hr"}}, {"dept": "hr"}, True),
    ({"EncryptionContextEquals": {"dept": "hr"}}, {"dept": "hr", "x": "1"}, False),
])
def test_grant_constraints(constraints: dict, ec: dict, expected: bool) -> None:
    assert grants.constraints_met(constraints, "Decrypt", ec) is expected


def test_grant_constraints_ignore_operations_without_context() -> None:
    assert grants.constraints_met({"EncryptionContextEquals": {"a": "b"}}, "DescribeKey", None)


def test_retire_rights() -> None:
    g = SimpleNamespace(grantee_principal=USER, retiring_principal=None, operations=["Decrypt"])
    assert not grants.may_retire(g, FakeCaller([]))
    g.operations.append("RetireGrant")
    assert grants.may_retire(g, FakeCaller([]))
    assert grants.invalid_operations(["Decrypt", "Bogus"]) == ["Bogus"]


# --- robustness -------------------------------------------------------------------------------------------------

_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
_PARAMS = st.sampled_from(["KeyId", "CiphertextBlob", "EncryptionContext", "Operations", "GrantId", "GrantToken",
                           "Policy", "AliasName", "TargetKeyId", "DestinationKeyId", "BypassPolicyLockoutSafetyCheck"])


@given(st.sampled_from(["Encrypt", "Decrypt", "ReEncrypt", "CreateGrant", "RetireGrant", "PutKeyPolicy", "CreateKey",
                        "UpdateAlias", "DescribeKey", "ListKeys"]),
       st.dictionaries(_PARAMS, _JSONISH, max_size=5))
def test_malformed_requests_never_crash_the_gate(operation: str, body: dict) -> None:
    from kmsemu.kms import gate

    gate.authorize(FakeCaller([]), operation, body, "us-west-2")
