"""Is this key still used? GetKeyLastUsage names the last successful cryptographic operation and its event."""
from __future__ import annotations

import pytest
from access_support import eventually, outsider, refused  # noqa: F401  (fixture)
from audit_support import events, request_id


@pytest.mark.behaviour("GetKeyLastUsage names the last successful cryptographic operation and its CloudTrail event")
def test_last_usage_names_the_operation_and_its_event(course, made) -> None:
    """A new key reports an empty KeyLastUsage and a TrackingStartDate no earlier than its creation; after a
    successful Encrypt it reports Operation, Timestamp, the KmsRequestId the caller saw and the CloudTrailEventId
    of the event LookupEvents returns. https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html"""
    key = made.key()
    kms = course.client("kms")
    fresh = kms.get_key_last_usage(KeyId=key["KeyId"])
    assert fresh["KeyId"] == key["KeyId"] and fresh.get("KeyLastUsage", {}) == {}
    assert fresh["TrackingStartDate"] >= fresh["KeyCreationDate"].replace(microsecond=0)
    answer = kms.encrypt(KeyId=key["Arn"], Plaintext=b"in use")
    usage = eventually(course, lambda: _used(kms, key["KeyId"]), seconds=1200)
    assert usage["Operation"] == "Encrypt" and usage["KmsRequestId"] == request_id(answer)
    assert usage["Timestamp"] >= fresh["KeyCreationDate"].replace(microsecond=0)
    found = eventually(course, lambda: _event(course, usage["CloudTrailEventId"]), seconds=1200)
    assert found["EventName"] == "Encrypt" and found["event"]["requestID"] == usage["KmsRequestId"]


@pytest.mark.behaviour("Refused and failed calls do not change a key's last usage")
def test_refused_and_failed_calls_do_not_count(course, made, outsider) -> None:
    """Only successful cryptographic operations count: a Decrypt the key policy refuses, and a Decrypt that fails
    on a wrong encryption context, leave KeyLastUsage at the last success.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyLastUsageData.html"""
    key = made.key()
    kms = course.client("kms")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext={"a": "1"})["CiphertextBlob"]
    before = eventually(course, lambda: _used(kms, key["KeyId"]), seconds=1200)
    eventually(course, lambda: refused(lambda: outsider.client("kms").decrypt(CiphertextBlob=blob), "AccessDeniedException"))
    refused(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "2"}), "InvalidCiphertextException")
    assert _used(kms, key["KeyId"]) == before


@pytest.mark.behaviour("ReEncrypt counts as a use of both its keys")
def test_reencrypt_is_recorded_for_both_keys(course, made) -> None:
    """ReEncrypt decrypts under its source key and encrypts under its destination key: both keys report ReEncrypt.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html"""
    source, destination = made.key(), made.key()
    kms = course.client("kms")
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"move me")["CiphertextBlob"]
    answer = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=destination["KeyId"])
    for key in (source, destination):
        usage = eventually(course, lambda key=key: _reencrypted(kms, key["KeyId"]), seconds=1200)
        assert usage["KmsRequestId"] == request_id(answer)


def _used(kms, key_id: str) -> dict:
    usage = kms.get_key_last_usage(KeyId=key_id).get("KeyLastUsage") or {}
    assert usage, "KeyLastUsage is still empty"
    return usage


def _reencrypted(kms, key_id: str) -> dict:
    usage = _used(kms, key_id)
    assert usage["Operation"] == "ReEncrypt"
    return usage


def _event(course, event_id: str) -> dict:
    (found,) = events(course.client("cloudtrail"), "EventId", event_id)
    return found


def _enabled(kms, key_id: str) -> bool:
    state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
    assert state == "Enabled", f"the replica is {state}"
    return True


@pytest.mark.behaviour("Each key of a multi-Region set tracks its own last usage")
def test_multi_region_keys_track_their_own_usage(course, made) -> None:
    """For multi-Region keys, primary and replica keys track last usage independently: an Encrypt with the replica
    becomes the replica's KeyLastUsage, and the primary's stays empty.
    https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html"""
    kms, primary = course.client("kms"), made.key(MultiRegion=True)
    region = "us-east-1" if course.region != "us-east-1" else "eu-west-1"
    there = course.session.client("kms", region_name=region, endpoint_url=course.endpoint_url)
    kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=region)
    made.cleanups.append(lambda: there.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7))
    eventually(course, lambda: _enabled(there, primary["KeyId"]), seconds=300)
    answer = there.encrypt(KeyId=primary["KeyId"], Plaintext=b"replica")
    usage = eventually(course, lambda: _used(there, primary["KeyId"]), seconds=1200)
    assert usage["Operation"] == "Encrypt" and usage["KmsRequestId"] == request_id(answer)
    assert kms.get_key_last_usage(KeyId=primary["KeyId"]).get("KeyLastUsage", {}) == {}
