"""Multi-Region keys (lesson 14): clients in a second Region, a primary found by alias, its replica, and waiting.

On AWS a new replica is Creating and a primary change Updating for a while; `wait_for` polls until the key settles.
The emulator makes both changes at once, so there it returns on the first look.
"""
from __future__ import annotations

import time
from typing import Any

from .course import _CLIENT_CONFIG, Course
from .demo_keys import DemoKey, alias_for, described, point_alias
from .errors import CourseError

SECOND_REGIONS = ("us-east-1", "us-west-2")
"""The lesson's second Region: the first of these that is not the course's own Region."""

SETTLE_SECONDS = 120.0
"""How long `wait_for` waits on AWS for a replica or a primary change to settle."""


def other_region(course: Course) -> str:
    """The Region the lesson replicates into: us-east-1, or us-west-2 when the course already runs in us-east-1."""
    return next(r for r in SECOND_REGIONS if r != course.region)


def client(course: Course, region: str, service: str = "kms") -> Any:
    """A boto3 client for `service` in `region`, reaching the course's backend (cached like `course.client`)."""
    if region == course.region:
        return course.client(service)
    name = f"{service}@{region}"
    if name not in course._clients:
        course._clients[name] = course.session.client(service, region_name=region, endpoint_url=course.endpoint_url,
                                                      config=_CLIENT_CONFIG)
    return course._clients[name]


def configuration(kms: Any, key_id: str) -> dict[str, Any]:
    """The key's MultiRegionConfiguration (PRIMARY or REPLICA, the primary, the replicas), {} for a single-Region key."""
    found: dict[str, Any] = kms.describe_key(KeyId=key_id)["KeyMetadata"].get("MultiRegionConfiguration", {})
    return found


def wait_for(course: Course, kms: Any, key_id: str, state: str = "Enabled", kind: str | None = None) -> dict[str, Any]:
    """Poll DescribeKey until the key is in `state` (and, when given, is the PRIMARY or REPLICA `kind`); its metadata."""
    deadline = time.monotonic() + (SETTLE_SECONDS if course.backend != "emulator" else 0)
    while True:
        meta: dict[str, Any] = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        kind_now = meta.get("MultiRegionConfiguration", {}).get("MultiRegionKeyType")
        if meta["KeyState"] == state and kind in (None, kind_now):
            return meta
        if time.monotonic() > deadline:
            raise CourseError(f"Key {key_id} is {meta['KeyState']} ({kind_now}), not yet {state}"
                              f"{' ' + kind if kind else ''}; wait a minute and run the cell again.")
        time.sleep(3)


def _revive(course: Course, kms: Any, key_id: str) -> None:
    """Cancel a scheduled deletion and enable the key, so an earlier run's clean-up does not stop this one."""
    state = kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]
    if state in ("PendingDeletion", "PendingReplicaDeletion"):
        kms.cancel_key_deletion(KeyId=key_id)
        state = "Disabled"
    if state == "Disabled":
        kms.enable_key(KeyId=key_id)


def ensure_primary(course: Course, suffix: str, description: str) -> DemoKey:
    """The multi-Region primary key behind `alias/kmscourse-<learner>-<suffix>` in the course's Region.

    Created (tagged) when missing; revived when disabled or pending deletion; made the primary again when an
    earlier run left the primary in another Region.
    """
    kms = course.client("kms")
    alias = alias_for(course, suffix)
    meta = described(course, alias)
    if meta is None or not meta.get("MultiRegion"):
        meta = kms.create_key(Description=f"kmscourse {description}", MultiRegion=True,
                              Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
        point_alias(course, alias, meta["KeyId"])
    key_id = meta["KeyId"]
    _revive(course, kms, key_id)
    primary_region = configuration(kms, key_id)["PrimaryKey"]["Region"]
    if primary_region != course.region:
        there = client(course, primary_region)
        _revive(course, there, key_id)
        there.update_primary_region(KeyId=key_id, PrimaryRegion=course.region)
        wait_for(course, kms, key_id, kind="PRIMARY")
    return DemoKey(key_id, kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"], alias)


def ensure_replica(course: Course, primary: DemoKey, region: str) -> DemoKey:
    """The primary's replica in `region`, Enabled, tagged and with the primary's alias name there; made when missing."""
    there = client(course, region)
    kms = course.client("kms")
    if region not in [r["Region"] for r in configuration(kms, primary.key_id).get("ReplicaKeys", [])]:
        kms.replicate_key(KeyId=primary.key_id, ReplicaRegion=region, Tags=course.tags("TagKey", "TagValue"),
                          Description=f"kmscourse replica of {primary.alias}")
        wait_for(course, there, primary.key_id)
    _revive(course, there, primary.key_id)
    point_alias_in(course, region, primary.alias, primary.key_id)
    return DemoKey(primary.key_id, there.describe_key(KeyId=primary.key_id)["KeyMetadata"]["Arn"], primary.alias)


def point_alias_in(course: Course, region: str, alias: str, key_id: str) -> None:
    """Make `alias` in `region` point at `key_id` (aliases belong to one Region, like every other key property)."""
    there = client(course, region)
    names = [a["AliasName"] for page in there.get_paginator("list_aliases").paginate() for a in page["Aliases"]]
    if alias in names:
        there.update_alias(AliasName=alias, TargetKeyId=key_id)
    else:
        there.create_alias(AliasName=alias, TargetKeyId=key_id)


def mrk_keyring(kms: Any, key_arn: str) -> Any:
    """An AWS KMS multi-Region-aware keyring (Material Providers Library) for `key_arn`, calling KMS through `kms`.

    It treats the related multi-Region keys as one: it decrypts a data key that a replica or the primary in another
    Region wrapped, calling KMS in its own client's Region with its own key ARN.
    """
    from aws_cryptographic_material_providers.mpl import AwsCryptographicMaterialProviders
    from aws_cryptographic_material_providers.mpl.config import MaterialProvidersConfig
    from aws_cryptographic_material_providers.mpl.models import CreateAwsKmsMrkKeyringInput

    providers = AwsCryptographicMaterialProviders(config=MaterialProvidersConfig())
    return providers.create_aws_kms_mrk_keyring(input=CreateAwsKmsMrkKeyringInput(kms_key_id=key_arn, kms_client=kms))
