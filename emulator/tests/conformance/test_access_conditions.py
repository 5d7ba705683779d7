"""Conditions in key policies: encryption context, caller account, principal ARN, grant operations, via service."""
from __future__ import annotations

import pytest
from access_support import admin, colleague, eventually, key_policy, outsider, refused, statement  # noqa: F401  (fixtures)


@pytest.mark.behaviour("kms:EncryptionContext:<key> conditions require that context pair")
def test_encryption_context_condition(course, made, outsider) -> None:
    """A key policy statement with StringEquals on kms:EncryptionContext:<key> allows only requests carrying that
    pair. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context"""
    only_alpha = statement(outsider.arn, ["kms:Encrypt", "kms:Decrypt"],
                           condition={"StringEquals": {"kms:EncryptionContext:project": "alpha"}})
    key = made.key(Policy=key_policy(admin(course), only_alpha))
    kms = outsider.client("kms")
    blob = eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"a", EncryptionContext={"project": "alpha"}))["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"project": "alpha"})["Plaintext"] == b"a"
    refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"b", EncryptionContext={"project": "beta"}), "AccessDeniedException")
    refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"c"), "AccessDeniedException")


@pytest.mark.behaviour("ForAnyValue on kms:EncryptionContextKeys requires one of the keys")
def test_encryption_context_keys_condition(course, made, outsider) -> None:
    """kms:EncryptionContextKeys is multi-valued; ForAnyValue:StringEquals needs at least one listed key, and an
    empty context matches nothing. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys"""
    needs_tenant = statement(outsider.arn, "kms:Encrypt",
                             condition={"ForAnyValue:StringEquals": {"kms:EncryptionContextKeys": ["tenant"]}})
    key = made.key(Policy=key_policy(admin(course), needs_tenant))
    kms = outsider.client("kms")
    eventually(course, lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"tenant": "t1", "x": "y"}))
    refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("kms:CallerAccount conditions match the caller's account")
def test_caller_account_condition(course, made, outsider) -> None:
    """kms:CallerAccount is the account of the calling principal. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account"""
    ours = statement("*", "kms:DescribeKey", condition={"StringEquals": {"kms:CallerAccount": course.account_id}})
    theirs = statement("*", "kms:Encrypt", condition={"StringEquals": {"kms:CallerAccount": "111122223333"}})
    key = made.key(Policy=key_policy(admin(course), ours, theirs))
    kms = outsider.client("kms")
    assert eventually(course, lambda: kms.describe_key(KeyId=key["KeyId"]))["KeyMetadata"]["Arn"] == key["Arn"]
    refused(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("aws:PrincipalArn conditions with ArnLike select principals")
def test_principal_arn_condition(course, made, colleague, outsider) -> None:
    """A `Principal: *` statement narrowed with ArnLike on aws:PrincipalArn applies only to matching principals.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn"""
    pattern = f"arn:aws:iam::{course.account_id}:user/{course.name('out*')}"
    outsiders = statement("*", "kms:DescribeKey", condition={"ArnLike": {"aws:PrincipalArn": pattern}})
    key = made.key(Policy=key_policy(admin(course), outsiders))
    eventually(course, lambda: outsider.client("kms").describe_key(KeyId=key["KeyId"]))
    refused(lambda: colleague.client("kms").describe_key(KeyId=key["KeyId"]), "AccessDeniedException")


@pytest.mark.behaviour("kms:GrantOperations conditions limit the grants a principal may create")
def test_grant_operations_condition(course, made, outsider) -> None:
    """ForAllValues:StringEquals on kms:GrantOperations allows CreateGrant only for grants whose operations are all
    listed. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-operations"""
    decrypt_grants = statement(outsider.arn, "kms:CreateGrant",
                               condition={"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]}})
    key = made.key(Policy=key_policy(admin(course), decrypt_grants))
    kms = outsider.client("kms")
    eventually(course, lambda: kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=outsider.arn, Operations=["Decrypt"]))
    refused(lambda: kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=outsider.arn, Operations=["Decrypt", "Encrypt"]),
            "AccessDeniedException")


@pytest.mark.behaviour("kms:ViaService limits a key to use through S3")
def test_via_service_condition(course, made, colleague) -> None:
    """With kms:ViaService = s3.<region>.amazonaws.com, a principal may use the key only through S3 (SSE-KMS), not
    by calling KMS directly. https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service"""
    via_s3 = statement(colleague.arn, ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
                       condition={"StringEquals": {"kms:ViaService": f"s3.{course.region}.amazonaws.com"}})
    key = made.key(Policy=key_policy(admin(course), via_s3))
    s3, bucket = colleague.client("s3"), made.unique("via")
    config = {} if course.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": course.region}}
    course.client("s3").create_bucket(Bucket=bucket, **config)
    made.cleanups.append(lambda: course.client("s3").delete_bucket(Bucket=bucket))
    made.cleanups.append(lambda: course.client("s3").delete_object(Bucket=bucket, Key="note.txt"))
    eventually(course, lambda: s3.put_object(Bucket=bucket, Key="note.txt", Body=b"via s3",
                                             ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"]))
    assert s3.get_object(Bucket=bucket, Key="note.txt")["Body"].read() == b"via s3"
    refused(lambda: colleague.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")
