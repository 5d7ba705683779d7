"""CloudTrail across accounts: a key used from another account is logged in the caller's and the key owner's account."""
from __future__ import annotations

import pytest
from access_support import admin, eventually, key_policy, statement
from accounts_support import member  # noqa: F401  (fixtures)
from audit_support import logged, request_id, started


@pytest.mark.behaviour("A key used from another account is logged in both accounts, with one sharedEventID")
def test_cross_account_use_is_logged_in_both_accounts(course, made, member) -> None:
    """Cross-account operations on KMS keys are logged in both the caller's account and the key owner's account: each
    gets its own event (its own eventID, recipientAccountId its own account) for the one call, both naming the
    caller (userIdentity.accountId is the caller's account) and the key, and sharing one sharedEventID.
    https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html and
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"""
    key = made.key(Policy=key_policy(admin(course), statement(f"arn:aws:iam::{member.account_id}:root", "kms:Encrypt")))
    since = started(course)
    kms = member.client("kms")
    answer = eventually(course, lambda: kms.encrypt(KeyId=key["Arn"], Plaintext=b"shared"))
    caller_arn = member.arn

    def mine(event: dict) -> bool:
        return event["eventName"] == "Encrypt" and event.get("requestID") == request_id(answer)

    (theirs,) = logged(course, "ResourceName", key["Arn"], mine, since, cloudtrail=member.client("cloudtrail"))
    (owners,) = logged(course, "ResourceName", key["Arn"], mine, since)
    theirs, owners = theirs["event"], owners["event"]
    assert (theirs["recipientAccountId"], owners["recipientAccountId"]) == (member.account_id, course.account_id)
    assert theirs["sharedEventID"] == owners["sharedEventID"] and theirs["eventID"] != owners["eventID"]
    for event in (theirs, owners):
        assert (event["userIdentity"]["accountId"], event["userIdentity"]["arn"]) == (member.account_id, caller_arn)
        assert [r["ARN"] for r in event["resources"]] == [key["Arn"]]
