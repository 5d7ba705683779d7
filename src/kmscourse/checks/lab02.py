"""Lab 02: an alias, declared in the key's template, that targets the course key."""
from __future__ import annotations

from typing import Any

from .. import aliases, prereqs, stacks
from ..course import Course
from .elsewhere import find_region
from .notebook import NOT_SET, answer, require
from .result import CheckResult


def _alias(kms: Any, name: str) -> dict[str, Any] | None:
    """The alias entry called `name`, or None."""
    for page in kms.get_paginator("list_aliases").paginate():
        for entry in page["Aliases"]:
            if entry["AliasName"] == name:
                return entry
    return None


def check(course: Course, alias_name: Any = NOT_SET, stack_name: str | None = None) -> CheckResult:
    """Your alias is a valid name with your prefix, exists in the course region, targets the course key and lives in its stack.

    The lab's check cell, `lab02.check(course)`, reads `alias_name` from the notebook.
    """
    result = CheckResult("Lab 02")
    stack = stack_name or prereqs.key_stack_name(course)
    alias_name = answer(alias_name, "alias_name")
    if not require(result, alias_name, "alias_name", "do Exercise 1", "the alias name is valid"):
        return result.finish()
    found = aliases.problems(alias_name)
    if not result.add("the alias name is valid", not found, " ".join(found)):
        return result.finish()
    mine = f"alias/{course.prefix}"
    result.add(
        f"the alias name starts with {mine}",
        alias_name.startswith(mine),
        f"'{alias_name}' does not start with {mine}, your course prefix: on a shared account another learner's alias "
        f"could clash with it, and a workshop account's learner policy lets you create only aliases named {mine}... "
        f"Name it {mine}{alias_name.removeprefix('alias/')}.",
    )
    kms = course.client("kms")
    entry = _alias(kms, alias_name)
    hint = f"there is no alias '{alias_name}' in {course.region}; add the AWS::KMS::Alias resource and update the stack (Exercises 2 and 3)."
    if entry is None:
        other = find_region(course, "kms", lambda c: _alias(c, alias_name) is not None)
        if other:
            hint = (f"your alias '{alias_name}' is in {other}, but the course works in {course.region}; "
                    f"update the stack in {course.region} (course.client('cloudformation')).")
    if entry is None:
        result.add(f"alias {alias_name} exists in {course.region}", False, hint)
        return result.finish()
    result.add(f"alias {alias_name} exists in {course.region}", True, hint)
    course_key = stacks.outputs(course, stack).get("KeyId") if stacks.status(course, stack) else None
    target = entry.get("TargetKeyId")
    result.add(
        "the alias targets the course key",
        course_key is not None and target == course_key,
        f"'{alias_name}' targets key {target}, but the course key (output KeyId of stack {stack}) is {course_key}; "
        "set TargetKeyId: !Ref CourseKey." if course_key else f"stack {stack} is missing, so there is no course key; run the setup cell, which deploys lesson 01's template.",
    )
    resources = course.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"] if course_key else []
    declared = [r for r in resources if r["ResourceType"] == "AWS::KMS::Alias" and r.get("PhysicalResourceId") == alias_name]
    result.add(
        f"the alias is a resource of stack {stack}",
        bool(declared),
        f"'{alias_name}' exists, but stack {stack} does not declare it; add an AWS::KMS::Alias resource to the template "
        "and update the stack, rather than calling create_alias.",
    )
    return result.finish()
