"""Grants: a key's own, revocable permissions for a grantee, limited to operations and encryption context."""
from __future__ import annotations

import pytest
from access_support import admin, ciphertext_denial, denial, eventually, key_policy, me, outsider, refused, statement  # noqa: F401


def _grant(course, key_id: str, grantee: str, operations: list[str], **extra) -> dict:
    return course.client("kms").create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=operations, **extra)


@pytest.mark.behaviour("A grant lets its grantee use the key until it is revoked")
def test_grant_allows_until_revoked(course, made, outsider) -> None:
    """A grant gives the grantee principal the listed operations on the key (here Decrypt, for a user with no
    policies); RevokeGrant takes it away. https://docs.aws.amazon.com/kms/latest/developerguide/grants.html and
    https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html"""
    key = made.key()
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"granted")["CiphertextBlob"]
    grant = _grant(course, key["KeyId"], outsider.arn, ["Decrypt"])
    kms = outsider.client("kms")
    answer = eventually(course, lambda: kms.decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]]))
    assert answer["Plaintext"] == b"granted"
    listed = course.client("kms").list_grants(KeyId=key["KeyId"])["Grants"]
    assert [(g["GrantId"], g["GranteePrincipal"], g["Operations"]) for g in listed] == [(grant["GrantId"], outsider.arn, ["Decrypt"])]
    course.client("kms").revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    message = eventually(course, lambda: refused(lambda: kms.decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    assert message == ciphertext_denial(outsider.arn, "kms:Decrypt", "because no identity-based policy allows the kms:Decrypt action")


@pytest.mark.behaviour("A grant allows only the operations it lists")
def test_grant_allows_only_its_operations(course, made, outsider) -> None:
    """Operations not listed in a grant stay denied. https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations"""
    key = made.key()
    grant = _grant(course, key["KeyId"], outsider.arn, ["Encrypt"])
    kms = outsider.client("kms")
    eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=[grant["GrantToken"]]))
    refused(lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"), "AccessDeniedException")


@pytest.mark.behaviour("Grant constraints: EncryptionContextSubset and EncryptionContextEquals")
def test_grant_encryption_context_constraints(course, made, outsider) -> None:
    """EncryptionContextSubset allows requests whose context includes the pairs; EncryptionContextEquals requires
    exactly them. https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html"""
    subset_key, equals_key = made.key(), made.key()
    _grant(course, subset_key["KeyId"], outsider.arn, ["Encrypt"], Constraints={"EncryptionContextSubset": {"dept": "hr"}})
    _grant(course, equals_key["KeyId"], outsider.arn, ["Encrypt"], Constraints={"EncryptionContextEquals": {"dept": "hr"}})
    kms = outsider.client("kms")
    eventually(course, lambda: kms.encrypt(KeyId=subset_key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "hr", "doc": "1"}))
    refused(lambda: kms.encrypt(KeyId=subset_key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "it"}), "AccessDeniedException")
    eventually(course, lambda: kms.encrypt(KeyId=equals_key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "hr"}))
    refused(lambda: kms.encrypt(KeyId=equals_key["KeyId"], Plaintext=b"x", EncryptionContext={"dept": "hr", "doc": "1"}),
            "AccessDeniedException")


@pytest.mark.behaviour("A grantee with RetireGrant, or the retiring principal, can retire a grant")
def test_retire_grant(course, made, outsider) -> None:
    """The retiring principal, and the grantee when the grant lists RetireGrant, may retire it without any policy;
    afterwards the grant gives nothing. https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html"""
    key = made.key()
    kms = outsider.client("kms")
    by_grantee = _grant(course, key["KeyId"], outsider.arn, ["Encrypt", "RetireGrant"])
    eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=[by_grantee["GrantToken"]]))
    kms.retire_grant(KeyId=key["Arn"], GrantId=by_grantee["GrantId"])
    by_retirer = _grant(course, key["KeyId"], me(course), ["Decrypt"], RetiringPrincipal=outsider.arn)
    kms.retire_grant(GrantToken=by_retirer["GrantToken"])

    def none_left() -> None:
        assert course.client("kms").list_grants(KeyId=key["KeyId"])["Grants"] == []

    eventually(course, none_left)
    refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("CreateGrant rejects an operation that does not exist")
def test_unknown_grant_operation_is_rejected(course, made, raw_kms) -> None:
    """Grant operations must come from the GrantOperation list; anything else is a ValidationException.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateGrant.html"""
    key = made.key()
    refused(lambda: raw_kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=me(course), Operations=["Bogus"]),
            "ValidationException")


GRANT_ACTIONS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]


@pytest.mark.behaviour("kms:GrantIsForAWSResource is not true on a grant call the caller makes itself")
def test_grant_is_for_aws_resource_refuses_direct_calls(course, made, outsider) -> None:
    """kms:GrantIsForAWSResource is true only when an AWS service integrated with KMS calls CreateGrant, ListGrants or
    RevokeGrant for the caller; a key-policy statement allowing those actions only when it is true refuses the same
    principal's own CreateGrant and ListGrants, while the statement without the condition allows them.
    https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource"""
    only_services = statement(outsider.arn, GRANT_ACTIONS, condition={"Bool": {"kms:GrantIsForAWSResource": "true"}})
    guarded, open_key = made.key(Policy=key_policy(admin(course), only_services)), \
        made.key(Policy=key_policy(admin(course), statement(outsider.arn, GRANT_ACTIONS)))
    kms = outsider.client("kms")
    refused(lambda: kms.create_grant(KeyId=guarded["KeyId"], GranteePrincipal=outsider.arn, Operations=["Decrypt"]),
            "AccessDeniedException")
    refused(lambda: kms.list_grants(KeyId=guarded["KeyId"]), "AccessDeniedException")
    grant = eventually(course, lambda: kms.create_grant(KeyId=open_key["KeyId"], GranteePrincipal=outsider.arn,
                                                        Operations=["Decrypt"]))
    assert [g["GrantId"] for g in kms.list_grants(KeyId=open_key["KeyId"])["Grants"]] == [grant["GrantId"]]
