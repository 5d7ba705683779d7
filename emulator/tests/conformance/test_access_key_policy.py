"""Key policies and IAM policies together decide who may use a key, as AWS KMS documents."""
from __future__ import annotations

import json

import pytest
from access_support import admin, ciphertext_denial, colleague, eventually, key_policy, me, outsider, refused, root, statement  # noqa: F401

NO_RESOURCE_POLICY = "because no resource-based policy allows the {} action"
NO_IDENTITY_POLICY = "because no identity-based policy allows the {} action"


@pytest.mark.behaviour("A key created without a policy gets the default key policy")
def test_key_without_policy_gets_the_default_policy(course, made) -> None:
    """CreateKey without Policy gives the default key policy: one statement allowing kms:* to the account
    (`arn:aws:iam::<account>:root`), which lets IAM policies control access.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html"""
    key = made.key()
    document = json.loads(course.client("kms").get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    (only,) = document["Statement"]
    assert only["Effect"] == "Allow" and only["Action"] == "kms:*" and only["Resource"] == "*"
    assert only["Principal"] == {"AWS": f"arn:aws:iam::{course.account_id}:root"}


@pytest.mark.behaviour("The root statement lets an IAM admin colleague decrypt without KeyId")
def test_root_statement_lets_an_admin_colleague_decrypt(course, made, colleague) -> None:
    """With the default key policy, a colleague whose IAM policy allows kms:Decrypt can decrypt; Decrypt needs no
    KeyId because the ciphertext names its key. https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html
    and https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html"""
    key = made.key()
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    answer = eventually(course, lambda: colleague.client("kms").decrypt(CiphertextBlob=blob))
    assert answer["Plaintext"] == b"secret" and answer["KeyId"] == key["Arn"]


@pytest.mark.behaviour("Without any permission, AccessDeniedException names the principal, the action and why")
def test_no_permission_is_denied_with_the_aws_message(course, made, outsider) -> None:
    """A principal that no policy allows gets AccessDeniedException whose message names the principal, the action and
    why; a Decrypt that named no key says "on the resource associated with this ciphertext" instead of the key ARN.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html and
    https://docs.aws.amazon.com/singlesignon/latest/userguide/cmk-related-errors.html"""
    key = made.key()
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    message = eventually(course, lambda: refused(lambda: outsider.client("kms").decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    assert message == ciphertext_denial(outsider.arn, "kms:Decrypt", NO_IDENTITY_POLICY.format("kms:Decrypt"))


@pytest.mark.behaviour("Without the root statement, IAM policies grant nothing")
def test_without_root_statement_an_iam_admin_is_refused(course, made, colleague) -> None:
    """If the key policy has no statement for the account, IAM policies cannot give access to the key, not even
    AdministratorAccess. https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam"""
    key = made.key(Policy=key_policy(admin(course)))
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    message = eventually(course, lambda: refused(lambda: colleague.client("kms").decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    assert message == ciphertext_denial(colleague.arn, "kms:Decrypt", NO_RESOURCE_POLICY.format("kms:Decrypt"))


@pytest.mark.behaviour("A key policy Allow for a principal is enough on its own")
def test_key_policy_allow_needs_no_iam_policy(course, made, outsider) -> None:
    """A key policy statement naming a principal gives it access even with no IAM policy at all.
    https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html"""
    key = made.key(Policy=key_policy(admin(course), statement(outsider.arn, ["kms:Decrypt", "kms:DescribeKey"])))
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"shared")["CiphertextBlob"]
    assert eventually(course, lambda: outsider.client("kms").decrypt(CiphertextBlob=blob)["Plaintext"]) == b"shared"
    refused(lambda: outsider.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "AccessDeniedException")


@pytest.mark.behaviour("An explicit Deny in the key policy beats an IAM Allow")
def test_explicit_deny_beats_administrator_access(course, made, colleague) -> None:
    """An explicit Deny in any policy overrides every Allow. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
    and https://docs.aws.amazon.com/kms/latest/developerguide/determining-access.html"""
    deny = statement(colleague.arn, "kms:Decrypt", effect="Deny")
    key = made.key(Policy=key_policy(root(course), admin(course), deny))
    blob = course.client("kms").encrypt(KeyId=key["KeyId"], Plaintext=b"secret")["CiphertextBlob"]
    message = eventually(course, lambda: refused(lambda: colleague.client("kms").decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    assert message == ciphertext_denial(colleague.arn, "kms:Decrypt", "with an explicit deny in a resource-based policy")
    assert colleague.client("kms").describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]


@pytest.mark.behaviour("An IAM policy on a key ARN covers calls through the key's alias")
def test_iam_policy_on_key_arn_covers_its_alias(course, made) -> None:
    """Access is decided on the key, so an IAM policy whose Resource is the key ARN also allows calls that name the
    key by an alias. https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html"""
    key = made.key()
    alias = made.alias(key["KeyId"])
    encrypter = course.member("encrypter", inline={"encrypt-one-key": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": key["Arn"]}]})})
    answer = eventually(course, lambda: encrypter.client("kms").encrypt(KeyId=alias, Plaintext=b"x"))
    assert answer["KeyId"] == key["Arn"]


@pytest.mark.behaviour("Decrypt is authorised on the key recorded in the ciphertext")
def test_decrypt_is_checked_against_the_ciphertext_key(course, made) -> None:
    """Decrypt without KeyId uses, and needs permission on, the key whose id is in the ciphertext's metadata.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html"""
    allowed, other = made.key(), made.key()
    reader = course.member("reader", inline={"decrypt-one-key": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": allowed["Arn"]}]})})
    kms = course.client("kms")
    good = kms.encrypt(KeyId=allowed["KeyId"], Plaintext=b"ok")["CiphertextBlob"]
    bad = kms.encrypt(KeyId=other["KeyId"], Plaintext=b"no")["CiphertextBlob"]
    assert eventually(course, lambda: reader.client("kms").decrypt(CiphertextBlob=good)["Plaintext"]) == b"ok"
    message = refused(lambda: reader.client("kms").decrypt(CiphertextBlob=bad), "AccessDeniedException")
    assert message == ciphertext_denial(reader.arn, "kms:Decrypt", NO_IDENTITY_POLICY.format("kms:Decrypt"))


@pytest.mark.behaviour("CreateKey refuses a policy that would lock the caller out")
def test_create_key_lockout_safety_check(course, made, colleague) -> None:
    """CreateKey with a policy that does not let the caller call PutKeyPolicy later fails with
    MalformedPolicyDocumentException, unless BypassPolicyLockoutSafetyCheck is true.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key"""
    keeps_deletion = statement(me(course), ["kms:DescribeKey", "kms:ScheduleKeyDeletion", "kms:Encrypt"])
    policy = key_policy(keeps_deletion, statement(colleague.arn, "kms:*"))
    message = refused(lambda: made.key(Policy=policy), "MalformedPolicyDocumentException")
    assert "will not allow you to update the key policy in the future" in message
    key = made.key(Policy=policy, BypassPolicyLockoutSafetyCheck=True)
    refused(lambda: course.client("kms").put_key_policy(KeyId=key["KeyId"], PolicyName="default",
                                                        Policy=key_policy(admin(course))), "AccessDeniedException")


@pytest.mark.behaviour("PutKeyPolicy refuses a policy that would lock the caller out")
def test_put_key_policy_lockout_safety_check(course, made) -> None:
    """PutKeyPolicy applies the same lockout safety check as CreateKey.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html"""
    key = made.key()
    kms = course.client("kms")
    lockout = key_policy(statement(me(course), ["kms:Encrypt", "kms:ScheduleKeyDeletion"]))
    refused(lambda: kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=lockout), "MalformedPolicyDocumentException")
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=key_policy(admin(course)))


@pytest.mark.behaviour("A key policy naming a principal that does not exist is malformed")
def test_key_policy_with_unknown_principal_is_malformed(course, made) -> None:
    """KMS checks that the principals in a key policy exist: MalformedPolicyDocumentException "Policy contains a
    statement with one or more invalid principals". https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"""
    ghost = f"arn:aws:iam::{course.account_id}:user/{made.unique('nobody')}"
    message = refused(lambda: made.key(Policy=key_policy(admin(course), statement(ghost, "kms:Decrypt"))),
                      "MalformedPolicyDocumentException")
    assert "invalid principals" in message


@pytest.mark.behaviour("A key policy with a null statement is malformed")
def test_key_policy_with_null_statement_is_malformed(course, made) -> None:
    """Each entry of a key policy's Statement must be a statement object: a null among valid statements makes the
    document not syntactically correct, and CreateKey and PutKeyPolicy refuse it with MalformedPolicyDocumentException.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html"""
    document = json.dumps({"Version": "2012-10-17", "Statement": [admin(course), root(course), None]})
    refused(lambda: made.key(Policy=document), "MalformedPolicyDocumentException")
    key = made.key()
    refused(lambda: course.client("kms").put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=document),
            "MalformedPolicyDocumentException")
