"""Lab 10: the wrap-up quiz, and a teardown that leaves nothing of yours behind."""
from __future__ import annotations

from typing import Any

from .. import quiz, stacks
from ..cleanup import course_aliases, course_buckets, course_keys, course_stacks
from ..course import Course
from .notebook import NOT_SET, answer, require
from .result import CheckResult

_NOT_EMPTY = ("not empty", "BucketNotEmpty")


def _deleted_stacks(course: Course) -> list[str]:
    """Names of the learner's stacks that have been deleted (as CloudFormation still lists them for a while)."""
    names = []
    for page in course.client("cloudformation").get_paginator("list_stacks").paginate(StackStatusFilter=["DELETE_COMPLETE"]):
        names += [s["StackName"] for s in page["StackSummaries"] if s["StackName"].startswith(course.prefix)]
    return sorted(set(names))


def _objects(course: Course, bucket: str) -> int:
    """How many objects the bucket holds (first page is enough to tell empty from not)."""
    return int(course.client("s3").list_objects_v2(Bucket=bucket, MaxKeys=1000).get("KeyCount", 0))


def check_teardown(course: Course, result: CheckResult) -> CheckResult:
    """Add the teardown items: no stacks, no buckets, no aliases, every key PendingDeletion."""
    live = course_stacks(course)
    for stack in live:
        name, state = stack["StackName"], stack["StackStatus"]
        reason = stacks.failure_reason(course, name) if state == "DELETE_FAILED" else ""
        if any(mark in reason for mark in _NOT_EMPTY):
            hint = (f"stack {name} is DELETE_FAILED because a bucket in it still holds objects ({reason}); empty the "
                    "bucket first, then delete the stack again (cleanup.teardown empties buckets before deleting stacks).")
        else:
            hint = f"stack {name} is still there ({state}{': ' + reason if reason else ''}); delete it (cleanup.teardown does, in Exercise 2)."
        result.add(f"stack {name} is deleted", False, hint)
    if not live:
        result.add("none of your stacks is left", True)
    buckets = course_buckets(course)
    deleted = _deleted_stacks(course)
    for bucket in buckets:
        count = _objects(course, bucket)
        if count and deleted:
            hint = (f"bucket {bucket} still holds {count} object(s) after you deleted stack(s) {', '.join(deleted)}: a stack "
                    "deleted before its bucket was emptied cannot delete the bucket (on AWS the stack ends DELETE_FAILED; "
                    "the emulator deletes the stack and leaves the bucket). Empty the bucket, then delete it.")
        else:
            hint = f"bucket {bucket} still exists ({count} object(s)); empty it and delete it (cleanup.teardown does, in Exercise 2)."
        result.add(f"bucket {bucket} is deleted", False, hint)
    if not buckets:
        result.add("none of your buckets is left", True)
    keys = course_keys(course)
    usable = [k for k in keys if k["KeyState"] != "PendingDeletion"]
    for key in usable:
        result.add(f"key {key['KeyId']} is pending deletion", False,
                   f"key {key['KeyId']} is {key['KeyState']}; schedule its deletion with PendingWindowInDays=7 (cleanup.teardown does, in Exercise 2).")
    if not usable:
        result.add(f"all {len(keys)} of your keys are pending deletion", True)
    aliases = course_aliases(course, {k["KeyId"] for k in keys})
    result.add("none of your aliases is left", not aliases,
               f"alias(es) {', '.join(a['AliasName'] for a in aliases)} still exist; delete them with delete_alias.")
    return result


def check(course: Course, answers: Any = NOT_SET) -> CheckResult:
    """Every quiz answer right, and nothing of the learner's left but keys waiting out their deletion.

    The lab's check cell, `lab10.check(course)`, reads `answers` from the notebook.
    """
    result = CheckResult("Lab 10")
    answers = answer(answers, "answers")
    if require(result, answers, "answers", "do Exercise 1", "the quiz is answered"):
        quiz.mark(result, answers)
    check_teardown(course, result)
    return result.finish()
