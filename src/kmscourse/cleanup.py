"""Teardown: remove what the course created for this learner, and nothing else (`kmscourse cleanup`).

What counts as the course's, for learner L (both conditions, always):
- a CloudFormation stack or S3 bucket named `kmscourse-L-...` **and** tagged `kmscourse:learner=L`;
- a KMS key tagged `kmscourse:learner=L` (keys have no names; the tag is what `course.tags()` puts on every course key);
- an alias named `alias/kmscourse-L-...` whose key is one of those keys (or whose key is already gone);
- the grants on those keys;
- the other members of a multi-Region key that is one of those keys (its replicas, or its primary after
  `update_primary_region`), in their own Regions, tagged or not: they share its key id and were made from it; with
  their aliases named `alias/kmscourse-L-...` and their grants. Keys with imported material (PendingImport or not)
  are keys like any other: their deletion is scheduled, and KMS deletes the material with them.

Order matters, so that an interrupted run can simply be run again: buckets are emptied before their stacks are
deleted (a stack cannot delete a bucket that still holds objects), and each key loses its grants and aliases before
its deletion is scheduled, so a half-done key is still found by its tag on the next run. Members of a multi-Region
key in other Regions are scheduled before the course's Region, so a primary does not wait on replicas the run has not
reached yet (it waits in PendingReplicaDeletion until they are gone, which also costs nothing).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from . import audit, course_users, stacks
from .course import TAG_KEY, Course
from .multi_region import client as region_client

WINDOW_DAYS = 7
"""The waiting period for keys that cleanup schedules: the minimum AWS allows."""

WAITING = ("PendingDeletion", "PendingReplicaDeletion")
"""The states of a key whose deletion is scheduled: no charge, nothing left to do."""


@dataclass
class Step:
    """One change cleanup makes: what it says, and the call that makes it (returning what happened)."""

    plan: str
    run: Callable[[], str]


@dataclass
class Report:
    """What cleanup did (or would do, in a dry run), and what of the learner's is still there afterwards."""

    learner: str
    dry_run: bool
    done: list[str] = field(default_factory=list)
    survivors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing of the learner's survived (always True for a dry run, which changes nothing)."""
        return self.dry_run or not self.survivors

    def header(self) -> str:
        """The first line: whose resources, and whether this is a dry run."""
        return f"{'Would do' if self.dry_run else 'Done'} for learner '{self.learner}':"

    def __str__(self) -> str:
        lines = [self.header()] + [f"  - {line}" for line in self.done or ["nothing to do"]]
        return "\n".join(lines + [self.footer()])

    def footer(self) -> str:
        """The last lines: a dry run's reminder, or what survived."""
        lines: list[str] = []
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        elif self.survivors:
            lines += ["Still there afterwards:"] + [f"  ! {line}" for line in self.survivors]
        else:
            lines.append("Nothing of yours survived (keys wait out their deletion window in PendingDeletion, which costs nothing).")
        return "\n".join(lines)

    __repr__ = __str__


def _utc(when: dt.datetime) -> str:
    """A timestamp in UTC, to the second."""
    return f"{when.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _tagged(tags: list[dict[str, str]], learner: str, key: str = "Key", value: str = "Value") -> bool:
    """True when the tag list carries kmscourse:learner=<learner>."""
    return any(t.get(key) == TAG_KEY and t.get(value) == learner for t in tags or [])


def course_stacks(course: Course) -> list[dict[str, Any]]:
    """The learner's stacks that exist (name prefix and tag)."""
    found = []
    for page in course.client("cloudformation").get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if (stack["StackName"].startswith(course.prefix) and stack.get("StackStatus") != "DELETE_COMPLETE"
                    and _tagged(stack.get("Tags", []), course.learner)):
                found.append(stack)
    return found


def course_buckets(course: Course) -> list[str]:
    """The learner's buckets (name prefix and tag)."""
    s3 = course.client("s3")
    found = []
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        if not name.startswith(course.prefix):
            continue
        try:
            tags = s3.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except ClientError:
            continue  # no tags (NoSuchTagSet), or not reachable from this region: not provably ours
        if _tagged(tags, course.learner):
            found.append(name)
    return found


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
            if _tagged(tags, course.learner, "TagKey", "TagValue"):
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


def _empty_bucket(course: Course, bucket: str) -> str:
    """Delete every object, version and delete marker in the bucket; say how many."""
    s3 = course.client("s3")
    count = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        batch = [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if batch:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            count += len(batch)
    return f"emptied bucket {bucket} ({count} object version(s))"


def _delete_bucket(course: Course, bucket: str) -> str:
    """Empty the bucket and delete it; fine when it is already gone (for example with its stack)."""
    try:
        _empty_bucket(course, bucket)
        course.client("s3").delete_bucket(Bucket=bucket)
    except ClientError as exc:
        if _code(exc) == "NoSuchBucket":
            return f"bucket {bucket} was already gone"
        raise
    return f"deleted bucket {bucket}"


def _delete_stack(course: Course, stack: str) -> str:
    """Delete the stack and wait; report the final status and, on failure, the reason."""
    resources = course.client("cloudformation").list_stack_resources(StackName=stack).get("StackResourceSummaries", [])
    keys = sum(r.get("ResourceType") == "AWS::KMS::Key" for r in resources)
    final = stacks.delete(course, stack)
    if final == "DELETE_COMPLETE":
        note = f" (its {keys} KMS key(s) now wait in PendingDeletion for the template's PendingWindowInDays)" if keys else ""
        return f"deleted stack {stack}{note}"
    return f"stack {stack} ended in {final}: {stacks.failure_reason(course, stack)}"


def _where(course: Course, region: str) -> str:
    """'' in the course's Region, else ' in <region>', for the lines cleanup prints."""
    return "" if region == course.region else f" in {region}"


def _kms(course: Course, region: str) -> Any:
    """The KMS client for `region`."""
    return region_client(course, region)


def _revoke(course: Course, key_id: str, grant_id: str, region: str | None = None) -> str:
    region = region or course.region
    _kms(course, region).revoke_grant(KeyId=key_id, GrantId=grant_id)
    return f"revoked grant {grant_id[:12]}... on key {key_id}{_where(course, region)}"


def _delete_alias(course: Course, alias: str, region: str | None = None) -> str:
    region = region or course.region
    try:
        _kms(course, region).delete_alias(AliasName=alias)
    except ClientError as exc:
        if _code(exc) != "NotFoundException":
            raise
        return f"alias {alias}{_where(course, region)} was already gone"
    return f"deleted alias {alias}{_where(course, region)}"


def _schedule(course: Course, key_id: str, region: str | None = None) -> str:
    """Schedule the key's deletion with the minimum window, unless it is already pending or gone."""
    region = region or course.region
    kms, where = _kms(course, region), _where(course, region)
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        if meta["KeyState"] == "PendingDeletion":
            return f"key {key_id}{where} was already pending deletion (until {_utc(meta['DeletionDate'])})"
        if meta["KeyState"] == "PendingReplicaDeletion":
            return f"key {key_id}{where} was already waiting for its replicas' deletion (PendingReplicaDeletion)"
        answer = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=WINDOW_DAYS)
    except ClientError as exc:
        if _code(exc) == "NotFoundException":
            return f"key {key_id}{where} was already gone"
        raise
    if answer.get("KeyState") == "PendingReplicaDeletion":
        return (f"scheduled deletion of key {key_id}{where}: it waits in PendingReplicaDeletion until its replicas are "
                f"gone, then {WINDOW_DAYS} days")
    return f"scheduled deletion of key {key_id}{where} in {WINDOW_DAYS} days (on {_utc(answer['DeletionDate'])})"


def _key_steps(course: Course, region: str, keys: list[dict[str, Any]]) -> list[Step]:
    """Revoke the keys' grants, delete their aliases, schedule their deletion: all in one Region."""
    steps: list[Step] = []
    kms, where = _kms(course, region), _where(course, region)
    for meta in keys:
        try:
            grants = kms.list_grants(KeyId=meta["KeyId"]).get("Grants", [])
        except ClientError:
            grants = []
        for grant in grants:
            steps.append(Step(f"revoke grant {grant['GrantId'][:12]}... on key {meta['KeyId']}{where}",
                              partial(_revoke, course, meta["KeyId"], grant["GrantId"], region)))
    for alias in course_aliases(course, {k["KeyId"] for k in keys}, region):
        steps.append(Step(f"delete alias {alias['AliasName']}{where}", partial(_delete_alias, course, alias["AliasName"], region)))
    for meta in keys:
        if meta["KeyState"] not in WAITING:
            steps.append(Step(f"schedule deletion of key {meta['KeyId']}{where} in {WINDOW_DAYS} days",
                              partial(_schedule, course, meta["KeyId"], region)))
    return steps


def plan(course: Course) -> list[Step]:
    """The steps, in the order that survives interruption: empty buckets, stacks, grants, aliases, keys, trails, IAM users, buckets."""
    steps: list[Step] = []
    buckets = course_buckets(course)
    cfn = course.client("cloudformation")
    for stack in course_stacks(course):
        name = stack["StackName"]
        resources = cfn.list_stack_resources(StackName=name).get("StackResourceSummaries", [])
        for res in resources:
            bucket = res.get("PhysicalResourceId", "")
            if res.get("ResourceType") == "AWS::S3::Bucket" and bucket in buckets:
                steps.append(Step(f"empty bucket {bucket} (in stack {name})", partial(_empty_bucket, course, bucket)))
        steps.append(Step(f"delete stack {name}", partial(_delete_stack, course, name)))
    keys = course_keys(course)
    for region, members in _by_region(related_keys(course, keys)).items():
        steps += _key_steps(course, region, members)
    steps += _key_steps(course, course.region, keys)
    for trail in audit.course_trails(course):  # before its bucket, or it would write a new log file into it
        steps.append(Step(f"stop and delete trail {trail}", partial(audit.delete_trail, course, trail)))
    for user in course_users.course_users(course):  # last of IAM: a lesson's own calls no longer need them
        steps.append(Step(f"delete IAM user {user}", partial(course_users.delete_user, course, user)))
    for bucket in buckets:
        steps.append(Step(f"empty and delete bucket {bucket}", partial(_delete_bucket, course, bucket)))
    return steps


def _by_region(found: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Related keys grouped by their Region."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for region, meta in found:
        grouped.setdefault(region, []).append(meta)
    return grouped


def survivors(course: Course) -> list[str]:
    """What of the learner's is still there: stacks, usable keys, aliases, grants, trails, IAM users and buckets."""
    found = [f"stack {s['StackName']} ({s['StackStatus']})" for s in course_stacks(course)]
    keys = course_keys(course)
    for region, members in [(course.region, keys), *_by_region(related_keys(course, keys)).items()]:
        kms, where = _kms(course, region), _where(course, region)
        for meta in members:
            if meta["KeyState"] not in WAITING:
                found.append(f"key {meta['KeyId']}{where} ({meta['KeyState']})")
            try:
                grants = kms.list_grants(KeyId=meta["KeyId"]).get("Grants", [])
            except ClientError:
                grants = []
            found += [f"grant {g['GrantId'][:12]}... on key {meta['KeyId']}{where}" for g in grants]
        found += [f"alias {a['AliasName']}{where}" for a in course_aliases(course, {k["KeyId"] for k in members}, region)]
    found += [f"trail {t}" for t in audit.course_trails(course)]
    found += [f"IAM user {u}" for u in course_users.course_users(course)]
    found += [f"bucket {b}" for b in course_buckets(course)]
    return found


def teardown(course: Course, dry_run: bool = False, echo: Callable[[str], None] | None = None) -> Report:
    """Remove the learner's course resources (or, with dry_run, only list the plan); return what happened and what survived."""
    report = Report(course.learner, dry_run)
    if echo is not None:
        echo(report.header())
    for step in plan(course):
        if dry_run:
            line = step.plan
        else:
            try:
                line = step.run()
            except ClientError as exc:
                line = f"could not {step.plan}: {_code(exc)}: {exc.response.get('Error', {}).get('Message', '')}"
        report.done.append(line)
        if echo is not None:
            echo(f"  - {line}")
    if not dry_run:
        report.survivors = survivors(course)
    return report
