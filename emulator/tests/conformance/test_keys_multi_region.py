"""Multi-Region keys: mrk- ids, replicas in other Regions, decryption across Regions, primary changes, deletion."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from backend import ON_AWS
from resources import Resources, error_code

OTHER_REGION = "us-east-1"


def _client(course: Any, region: str) -> Any:
    return course.session.client("kms", region_name=region, endpoint_url=course.endpoint_url)


def _other_region(course: Any) -> str:
    return OTHER_REGION if course.region != OTHER_REGION else "eu-west-1"


def _eventually(check: Callable[[], bool], seconds: float = 60) -> None:
    """On AWS a replica is Creating and a primary change Updating for a while; the emulator is at once."""
    deadline = time.monotonic() + (seconds if ON_AWS else 0)
    while not check():
        assert time.monotonic() < deadline, "the multi-Region key did not settle in time"
        time.sleep(3)


def _replica(course: Any, kms: Any, made: Resources, primary: dict[str, Any], **extra: Any) -> tuple[Any, dict[str, Any]]:
    """Replicate the key into the other Region (deleted with the test), waiting until the replica is Enabled."""
    region = _other_region(course)
    there = _client(course, region)
    found = kms.replicate_key(KeyId=primary["KeyId"], ReplicaRegion=region, **extra)
    made.cleanups.append(lambda: there.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7))
    _eventually(lambda: there.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled")
    return there, found


@pytest.mark.behaviour("A multi-Region key has an mrk- id and a MultiRegionConfiguration naming it the primary")
def test_mrk_id_and_configuration(kms: Any, made: Resources) -> None:
    """CreateKey with MultiRegion true makes a primary key whose id is mrk- followed by 32 hex digits; DescribeKey
    shows MultiRegion true and a MultiRegionConfiguration of type PRIMARY with no replicas yet.

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
    """
    meta = made.key(MultiRegion=True)
    assert meta["KeyId"].startswith("mrk-") and len(meta["KeyId"]) == 36 and meta["MultiRegion"] is True
    config = kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "PRIMARY" and config["ReplicaKeys"] == []
    assert config["PrimaryKey"] == {"Arn": meta["Arn"], "Region": meta["Arn"].split(":")[3]}
    assert made.key()["MultiRegion"] is False


@pytest.mark.behaviour("A replica of a multi-Region key decrypts what the primary encrypted, and the reverse")
def test_replica_decrypts_across_regions(course: Any, kms: Any, made: Resources) -> None:
    """ReplicateKey makes a key with the same key id and key material in another Region: ciphertext made with the
    primary decrypts with the replica there (and vice versa); both sides' MultiRegionConfiguration list the replica.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html
    """
    primary = made.key(MultiRegion=True)
    there, found = _replica(course, kms, made, primary, Description="replica")
    replica = found["ReplicaKeyMetadata"]
    region = _other_region(course)
    assert replica["KeyId"] == primary["KeyId"] and replica["Arn"] == primary["Arn"].replace(course.region, region)
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["Description"] == "replica" and found["ReplicaPolicy"]
    blob = kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"everywhere", EncryptionContext={"a": "b"})["CiphertextBlob"]
    decrypted = there.decrypt(CiphertextBlob=blob, KeyId=replica["Arn"], EncryptionContext={"a": "b"})
    assert (decrypted["Plaintext"], decrypted["KeyId"]) == (b"everywhere", replica["Arn"])
    back = there.encrypt(KeyId=replica["Arn"], Plaintext=b"back")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back)["Plaintext"] == b"back"
    config = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "PRIMARY"
    assert config["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": region}]


@pytest.mark.behaviour("A multi-Region replica has its own aliases, tags and description")
def test_replica_independent_properties(course: Any, kms: Any, made: Resources) -> None:
    """Aliases, tags, description, key policy, grants and enabled state are independent for each related
    multi-Region key: an alias or tag made in the replica's Region does not appear on the primary.

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
    """
    primary = made.key(MultiRegion=True)
    there, found = _replica(course, kms, made, primary, Tags=[{"TagKey": "where", "TagValue": "replica"}])
    alias = "alias/" + made.unique("mrk")
    there.create_alias(AliasName=alias, TargetKeyId=primary["KeyId"])
    made.cleanups.append(lambda: there.delete_alias(AliasName=alias))
    assert [a["AliasName"] for a in there.list_aliases(KeyId=primary["KeyId"])["Aliases"]] == [alias]
    assert kms.list_aliases(KeyId=primary["KeyId"])["Aliases"] == []
    assert {"TagKey": "where", "TagValue": "replica"} in there.list_resource_tags(KeyId=primary["KeyId"])["Tags"]
    assert {"TagKey": "where", "TagValue": "replica"} not in kms.list_resource_tags(KeyId=primary["KeyId"])["Tags"]
    there.disable_key(KeyId=primary["KeyId"])
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


@pytest.mark.behaviour("UpdatePrimaryRegion makes a replica the primary and the old primary a replica")
def test_update_primary_region(course: Any, kms: Any, made: Resources) -> None:
    """UpdatePrimaryRegion on the primary key turns the replica in PrimaryRegion into the primary; the former primary
    becomes a replica, and each side's MultiRegionConfiguration says so.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_UpdatePrimaryRegion.html
    """
    primary = made.key(MultiRegion=True)
    there, _ = _replica(course, kms, made, primary)
    region = _other_region(course)
    kms.update_primary_region(KeyId=primary["KeyId"], PrimaryRegion=region)

    def kind(client: Any) -> str:
        return str(client.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"])

    _eventually(lambda: (kind(there), kind(kms)) == ("PRIMARY", "REPLICA"))
    config = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["PrimaryKey"]["Region"] == region
    assert config["ReplicaKeys"] == [{"Arn": primary["Arn"], "Region": course.region}]


@pytest.mark.behaviour("Rotating a multi-Region primary rotates its replicas; a replica cannot rotate itself")
def test_rotation_reaches_replicas(course: Any, kms: Any, made: Resources) -> None:
    """Key material is a shared property: after RotateKeyOnDemand on the primary, new ciphertext from the primary
    decrypts with the replica. Rotation is managed on the primary: a replica refuses it (UnsupportedOperationException).

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-manage.html
    """
    primary = made.key(MultiRegion=True)
    there, _ = _replica(course, kms, made, primary)
    old = kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    kms.rotate_key_on_demand(KeyId=primary["KeyId"])
    new = kms.encrypt(KeyId=primary["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert there.decrypt(CiphertextBlob=new)["Plaintext"] == b"new"
    assert there.decrypt(CiphertextBlob=old)["Plaintext"] == b"old"
    assert error_code(there.rotate_key_on_demand, KeyId=primary["KeyId"]) == "UnsupportedOperationException"


@pytest.mark.behaviour("Scheduling deletion of a primary that has replicas gives PendingReplicaDeletion")
def test_primary_waits_for_replicas(course: Any, kms: Any, made: Resources) -> None:
    """A primary key with replicas cannot be deleted before them: ScheduleKeyDeletion puts it in PendingReplicaDeletion,
    where it refuses cryptographic operations and DescribeKey shows PendingDeletionWindowInDays; CancelKeyDeletion
    makes it Disabled.

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-delete.html
    """
    primary = made.key(MultiRegion=True)
    _replica(course, kms, made, primary)
    answer = kms.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    assert answer["KeyState"] == "PendingReplicaDeletion"
    assert error_code(kms.encrypt, KeyId=primary["KeyId"], Plaintext=b"x") == "KMSInvalidStateException"
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["PendingDeletionWindowInDays"] == 7
    kms.cancel_key_deletion(KeyId=primary["KeyId"])
    assert kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"


@pytest.mark.emulator_only("needs the emulator clock to delete the replica")
@pytest.mark.behaviour("A primary pending replica deletion starts its own waiting period once its last replica is deleted")
def test_primary_deleted_after_replicas(course: Any, kms: Any, made: Resources) -> None:
    """When the last replica of a primary in PendingReplicaDeletion is deleted, the primary becomes PendingDeletion
    with the waiting period it was scheduled with, counted from then.

    https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-delete.html
    """
    primary = made.key(MultiRegion=True)
    there, _ = _replica(course, kms, made, primary)
    kms.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=10)
    there.schedule_key_deletion(KeyId=primary["KeyId"], PendingWindowInDays=7)
    course.advance_clock(days=8)
    assert error_code(there.describe_key, KeyId=primary["KeyId"]) == "NotFoundException"
    meta = kms.describe_key(KeyId=primary["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    assert 9.9 < (meta["DeletionDate"].timestamp() - course.now().timestamp()) / 86400 <= 10
