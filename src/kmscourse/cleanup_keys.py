"""The learner's keys in every Region: finding them (tag, multi-Region relatives, aliases), and the steps that retire them.

Each key loses its grants and aliases before its deletion is scheduled, so a half-done key is still found by its tag
on the next run (see cleanup.py for the whole order).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from .course import TAG_KEY, Course
from .multi_region import client as region_client

WINDOW_DAYS = 7
"""The waiting period for keys that cleanup schedules: the minimum AWS allows."""

WAITING = ("PendingDeletion", "PendingReplicaDeletion")
"""The states of a key whose deletion is scheduled: no charge, nothing left to do."""


def _utc(when: dt.datetime) -> str:
    """A timestamp in UTC, to the second."""
    return f"{when.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def error_code(exc: ClientError) -> str:
    """The AWS error code of a refused call."""
    return str(exc.response.get("Error", {}).get("Code", ""))


def is_tagged(tags: list[dict[str, str]], learner: str, key: str = "Key", value: str = "Value") -> bool:
    """True when the tag list carries kmscourse:learner=<learner>."""
    return any(t.get(key) == TAG_KEY and t.get(value) == learner for t in tags or [])


def course_keys(course: Course) -> list[dict[str, Any]]:
    """The metadata of every customer managed key tagged for the learner, in any state."""
    kms = course.client("kms")
    found = []
    for page in kms.get_paginator("list_keys").paginate():
        for entry in page["Keys"]:
            try:
                meta = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
                if meta.get("KeyManager") != "CUSTOMER":
                    continue
                tags = kms.list_resource_tags(KeyId=entry["KeyId"]).get("Tags", [])
            except ClientError:
                continue  # gone meanwhile, or not ours to read
            if is_tagged(tags, course.learner, "TagKey", "TagValue"):
                found.append(meta)
    return found


def related_keys(course: Course, keys: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(Region, metadata) of each other member of the learner's multi-Region keys, in the other Regions, that exists."""
    found = []
    for meta in keys:
        config = meta.get("MultiRegionConfiguration") or {}
        members = [config.get("PrimaryKey", {})] + config.get("ReplicaKeys", [])
        for region in sorted({m["Region"] for m in members if m.get("Region") and m["Region"] != course.region}):
            try:
                found.append((region, region_client(course, region).describe_key(KeyId=meta["KeyId"])["KeyMetadata"]))
            except ClientError:
                continue  # deleted meanwhile
    return found


def course_aliases(course: Course, key_ids: set[str], region: str | None = None) -> list[dict[str, Any]]:
    """Aliases named alias/kmscourse-<learner>-... that point at one of `key_ids` or at no key any more (in `region`)."""
    kms = region_client(course, region or course.region)
    found = []
    existing = {k["KeyId"] for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]}
    for page in kms.get_paginator("list_aliases").paginate():
        for alias in page["Aliases"]:
            target = alias.get("TargetKeyId")
            if alias["AliasName"].startswith(f"alias/{course.prefix}") and (target in key_ids or target not in existing):
                found.append(alias)
    return found


def where_text(course: Course, region: str) -> str:
    """'' in the course's Region, else ' in <region>', for the lines cleanup prints."""
    return "" if region == course.region else f" in {region}"


def kms_in(course: Course, region: str) -> Any:
    """The KMS client for `region`."""
    return region_client(course, region)


def _revoke(course: Course, key_id: str, grant_id: str, region: str | None = None) -> str:
    region = region or course.region
    kms_in(course, region).revoke_grant(KeyId=key_id, GrantId=grant_id)
    return f"revoked grant {grant_id[:12]}... on key {key_id}{where_text(course, region)}"


def _delete_alias(course: Course, alias: str, region: str | None = None) -> str:
    region = region or course.region
    try:
        kms_in(course, region).delete_alias(AliasName=alias)
    except ClientError as exc:
        if error_code(exc) != "NotFoundException":
            raise
        return f"alias {alias}{where_text(course, region)} was already gone"
    return f"deleted alias {alias}{where_text(course, region)}"


def _schedule(course: Course, key_id: str, region: str | None = None) -> str:
    """Schedule the key's deletion with the minimum window, unless it is already pending or gone."""
    region = region or course.region
    kms, where = kms_in(course, region), where_text(course, region)
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        if meta["KeyState"] == "PendingDeletion":
            return f"key {key_id}{where} was already pending deletion (until {_utc(meta['DeletionDate'])})"
        if meta["KeyState"] == "PendingReplicaDeletion":
            return f"key {key_id}{where} was already waiting for its replicas' deletion (PendingReplicaDeletion)"
        answer = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=WINDOW_DAYS)
    except ClientError as exc:
        if error_code(exc) == "NotFoundException":
            return f"key {key_id}{where} was already gone"
        raise
    if answer.get("KeyState") == "PendingReplicaDeletion":
        return (f"scheduled deletion of key {key_id}{where}: it waits in PendingReplicaDeletion until its replicas are "
                f"gone, then {WINDOW_DAYS} days")
    return f"scheduled deletion of key {key_id}{where} in {WINDOW_DAYS} days (on {_utc(answer['DeletionDate'])})"


def key_steps(course: Course, region: str, keys: list[dict[str, Any]]) -> list[tuple[str, Callable[[], str]]]:
    """Revoke the keys' grants, delete their aliases, schedule their deletion: all in one Region."""
    steps: list[tuple[str, Callable[[], str]]] = []
    kms, where = kms_in(course, region), where_text(course, region)
    for meta in keys:
        try:
            grants = kms.list_grants(KeyId=meta["KeyId"]).get("Grants", [])
        except ClientError:
            grants = []
        for grant in grants:
            steps.append((f"revoke grant {grant['GrantId'][:12]}... on key {meta['KeyId']}{where}", partial(_revoke, course, meta["KeyId"], grant["GrantId"], region)))
    for alias in course_aliases(course, {k["KeyId"] for k in keys}, region):
        steps.append((f"delete alias {alias['AliasName']}{where}", partial(_delete_alias, course, alias["AliasName"], region)))
    for meta in keys:
        if meta["KeyState"] not in WAITING:
            steps.append((f"schedule deletion of key {meta['KeyId']}{where} in {WINDOW_DAYS} days", partial(_schedule, course, meta["KeyId"], region)))
    return steps


def by_region(found: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Related keys grouped by their Region."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for region, meta in found:
        grouped.setdefault(region, []).append(meta)
    return grouped
