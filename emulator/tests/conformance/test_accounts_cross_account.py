"""Keys used across accounts: key ARN and alias ARN, the key policy with the caller's own IAM, grants, and per-account lists."""
from __future__ import annotations

import pytest
from access_support import admin, eventually, key_policy, outsider, refused, statement  # noqa: F401  (fixtures)
from accounts_support import member  # noqa: F401  (fixtures)

USE = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"]


def _shared_key(course, made, member, condition: dict | None = None, principal: str | None = None) -> dict:
    """A key of the suite's account whose policy lets the member account (or `principal`) use it."""
    grantee = principal or f"arn:aws:iam::{member.account_id}:root"
    return made.key(Policy=key_policy(admin(course), statement(grantee, USE, condition=condition)))


@pytest.mark.behaviour("Another account uses a key by key ARN and alias ARN when the key policy names that account")
def test_cross_account_by_key_and_alias_arn(course, made, member) -> None:
    """A key policy naming another account lets that account's principals (with IAM permission) use the key by
    its key ARN or alias ARN; the ciphertext decrypts in either account.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"""
    key = _shared_key(course, made, member)
    alias_arn = f"arn:aws:kms:{course.region}:{course.account_id}:{made.alias(key['KeyId'])}"
    kms = member.client("kms")
    blob = eventually(course, lambda: kms.encrypt(KeyId=key["Arn"], Plaintext=b"shared")["CiphertextBlob"])
    assert kms.encrypt(KeyId=alias_arn, Plaintext=b"shared")["KeyId"] == key["Arn"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"shared"
    assert course.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"] == b"shared"


@pytest.mark.behaviour("An alias name or key id names a key in the caller's own account, never another's")
def test_alias_name_resolves_in_own_account(course, made, member) -> None:
    """Another account's key must be named by key ARN or alias ARN: an alias name (and a bare key id) is looked
    up in the caller's account, where it does not exist.
    https://docs.aws.amazon.com/kms/latest/developerguide/alias-using.html"""
    key = _shared_key(course, made, member)
    alias = made.alias(key["KeyId"])
    kms = member.client("kms")
    refused(lambda: kms.encrypt(KeyId=alias, Plaintext=b"x"), "NotFoundException")
    refused(lambda: kms.describe_key(KeyId=key["KeyId"]), "NotFoundException")


@pytest.mark.behaviour("Cross-account use needs the caller account's IAM permission as well as the key policy")
def test_cross_account_needs_iam_too(course, made, member) -> None:
    """The key policy says who may use the key; the external account's IAM policies must also delegate that
    permission to the user: a user of the other account without IAM policies is refused, even when the key policy
    names the user itself.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html"""
    arn, kms = member.user(made.unique("no-iam"))
    key = _shared_key(course, made, member, principal=arn)
    message = eventually(course, lambda: refused(lambda: kms.encrypt(KeyId=key["Arn"], Plaintext=b"x"),
                                                 "AccessDeniedException"))
    assert f"User: {arn} is not authorized to perform: kms:Encrypt on resource: {key['Arn']}" in message


@pytest.mark.behaviour("kms:CallerAccount in a key policy admits the named account's principals only")
def test_caller_account_condition(course, made, member, outsider) -> None:
    """A key policy statement for Principal `*` with kms:CallerAccount admits callers from that account (with their
    IAM permission) and no one else, not even the key's own account.
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account"""
    key = _shared_key(course, made, member, {"StringEquals": {"kms:CallerAccount": member.account_id}}, "*")
    eventually(course, lambda: member.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x"))
    refused(lambda: outsider.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("aws:PrincipalAccount in a key policy admits the named account's principals only")
def test_principal_account_condition(course, made, member, outsider) -> None:
    """aws:PrincipalAccount is the account of the calling principal.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount"""
    key = _shared_key(course, made, member, {"StringEquals": {"aws:PrincipalAccount": member.account_id}}, "*")
    eventually(course, lambda: member.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x"))
    refused(lambda: outsider.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("aws:PrincipalOrgID in a key policy admits the accounts of that organization")
def test_principal_org_id_condition(course, made, member) -> None:
    """aws:PrincipalOrgID is the id of the organization the caller's account belongs to; a statement for another
    organization's id admits no one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid"""
    org_id = member.client("organizations").describe_organization()["Organization"]["Id"]
    key = _shared_key(course, made, member, {"StringEquals": {"aws:PrincipalOrgID": org_id}}, "*")
    eventually(course, lambda: member.client("kms").encrypt(KeyId=key["Arn"], Plaintext=b"x"))
    other = _shared_key(course, made, member, {"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}, "*")
    refused(lambda: member.client("kms").encrypt(KeyId=other["Arn"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("A grant to another account's principal lets it use the key by key ARN")
def test_cross_account_grant(course, made, member) -> None:
    """CreateGrant may name a grantee in another account; the grantee then uses the key by its key ARN for the
    granted operations, though the key policy does not name its account.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html"""
    key = made.key(Policy=key_policy(admin(course)))
    kms = member.client("kms")
    refused(lambda: kms.encrypt(KeyId=key["Arn"], Plaintext=b"x"), "AccessDeniedException")
    grant = course.client("kms").create_grant(KeyId=key["KeyId"], GranteePrincipal=member.role_arn,
                                              Operations=["Encrypt", "Decrypt"])
    made.cleanups.append(lambda: course.client("kms").revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"]))
    blob = eventually(course, lambda: kms.encrypt(KeyId=key["Arn"], Plaintext=b"granted")["CiphertextBlob"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"granted"


@pytest.mark.behaviour("ListKeys and ListAliases list the caller's own account only")
def test_lists_are_per_account(course, made, member) -> None:
    """ListKeys and ListAliases answer for the caller's account and Region: another account's keys and aliases
    are not listed, even when its key policy lets the caller use them.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeys.html"""
    key = _shared_key(course, made, member)
    alias = made.alias(key["KeyId"])
    kms = member.client("kms")
    keys = [k["KeyArn"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]
    aliases = [a["AliasName"] for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]]
    assert key["Arn"] not in keys and alias not in aliases
    assert all(f":{member.account_id}:" in arn for arn in keys)
