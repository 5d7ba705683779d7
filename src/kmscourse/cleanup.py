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

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from . import audit, course_users, stacks
from .cleanup_keys import (
    WAITING,
    by_region,
    course_aliases,
    course_keys,
    error_code,
    is_tagged,
    key_steps,
    kms_in,
    related_keys,
    where_text,
)
from .course import Course


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


def course_stacks(course: Course) -> list[dict[str, Any]]:
    """The learner's stacks that exist (name prefix and tag)."""
    found = []
    for page in course.client("cloudformation").get_paginator("describe_stacks").paginate():
        for stack in page["Stacks"]:
            if (stack["StackName"].startswith(course.prefix) and stack.get("StackStatus") != "DELETE_COMPLETE"
                    and is_tagged(stack.get("Tags", []), course.learner)):
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
        if is_tagged(tags, course.learner):
            found.append(name)
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
        if error_code(exc) == "NoSuchBucket":
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
    for region, members in by_region(related_keys(course, keys)).items():
        steps += [Step(plan, run) for plan, run in key_steps(course, region, members)]
    steps += [Step(plan, run) for plan, run in key_steps(course, course.region, keys)]
    for trail in audit.course_trails(course):  # before its bucket, or it would write a new log file into it
        steps.append(Step(f"stop and delete trail {trail}", partial(audit.delete_trail, course, trail)))
    for user in course_users.course_users(course):  # last of IAM: a lesson's own calls no longer need them
        steps.append(Step(f"delete IAM user {user}", partial(course_users.delete_user, course, user)))
    for bucket in buckets:
        steps.append(Step(f"empty and delete bucket {bucket}", partial(_delete_bucket, course, bucket)))
    return steps


def survivors(course: Course) -> list[str]:
    """What of the learner's is still there: stacks, usable keys, aliases, grants, trails, IAM users and buckets."""
    found = [f"stack {s['StackName']} ({s['StackStatus']})" for s in course_stacks(course)]
    keys = course_keys(course)
    for region, members in [(course.region, keys), *by_region(related_keys(course, keys)).items()]:
        kms, where = kms_in(course, region), where_text(course, region)
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
                line = f"could not {step.plan}: {error_code(exc)}: {exc.response.get('Error', {}).get('Message', '')}"
        report.done.append(line)
        if echo is not None:
            echo(f"  - {line}")
    if not dry_run:
        report.survivors = survivors(course)
    return report
