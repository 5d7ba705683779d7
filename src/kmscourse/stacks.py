"""Deploy and delete the course's CloudFormation stacks, idempotently, with one clear sentence on failure."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .course import Course
from .errors import CourseError

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
"""The course's CloudFormation templates (the repo's templates/ folder)."""

DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
FAILED = {"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "DELETE_FAILED"}


def template(name: str) -> str:
    """The text of a template in templates/."""
    path = TEMPLATES / name
    if not path.exists():
        raise CourseError(f"There is no template {name} in {TEMPLATES}; check the file name.")
    return path.read_text()


def lint(path: str | Path) -> str:
    """cfn-lint's findings for a template, one line per problem: the alternatives it tried and repeats are folded.

    One wrong principal written twice makes cfn-lint print a dozen findings (the schema's every alternative, at
    each place); this keeps the finding that names the mistake, with the lines where it occurs.
    """
    run = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), "--format", "json", str(path)],
                         capture_output=True, text=True, timeout=300)
    try:
        found: list[dict[str, Any]] = json.loads(run.stdout or "[]")
    except ValueError:
        raise CourseError(f"cfn-lint could not read {path}: {(run.stderr or run.stdout).strip()[:300]}") from None
    problems: dict[tuple[str, str], list[int]] = {}
    for match in found:
        if match.get("ParentId"):
            continue  # one alternative of the finding it belongs to
        key = (match["Rule"]["Id"], match["Message"])
        problems.setdefault(key, []).append(int(match["Location"]["Start"]["LineNumber"]))
    if not problems:
        return "cfn-lint: no findings"
    ordered = sorted(problems.items(), key=lambda item: ("EWI".find(item[0][0][0]), min(item[1])))
    lines = [f"cfn-lint: {len(problems)} problem(s) in {len(found)} findings (alternatives and repeats folded)"]
    for (rule, message), at in ordered:
        where = ", ".join(str(n) for n in sorted(set(at)))
        lines.append(f"{rule} line{'s' if len(set(at)) > 1 else ''} {where}: {message}")
    return "\n".join(lines)


def status(course: Course, stack: str) -> str | None:
    """The stack's status, or None when it does not exist (or is fully deleted)."""
    try:
        found = course.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    state = found[0]["StackStatus"] if found else None
    return None if state == "DELETE_COMPLETE" else state


def wait(course: Course, stack: str, timeout_s: float = 600) -> str:
    """Poll until the stack leaves *_IN_PROGRESS; return the final status (None-safe)."""
    delay = 0.2 if course.backend == "emulator" else 5
    deadline = time.monotonic() + timeout_s
    while True:
        state = status(course, stack) or "DELETE_COMPLETE"
        if not state.endswith("IN_PROGRESS") or time.monotonic() > deadline:
            return state
        time.sleep(delay)


def failure_reason(course: Course, stack: str) -> str:
    """The first failure reason in the stack's events."""
    try:
        events = course.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    except ClientError:
        return "no events available"
    for event in reversed(events):
        if event.get("ResourceStatus", "").endswith("FAILED"):
            return f"{event.get('LogicalResourceId')}: {event.get('ResourceStatusReason', 'no reason given')}"
    return "no failure reason recorded"


def deploy(course: Course, stack: str, body: str, parameters: dict[str, str] | None = None,
           capabilities: tuple[str, ...] = ()) -> dict[str, str]:
    """Create the stack, or update it in place when it exists; return its outputs as a dict.

    `capabilities` acknowledges what the template makes, such as CAPABILITY_NAMED_IAM for named IAM users.
    """
    cfn = course.client("cloudformation")
    params = [{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()]
    extra = {"Capabilities": list(capabilities)} if capabilities else {}
    state = status(course, stack)
    if state in FAILED and state in {"ROLLBACK_COMPLETE", "CREATE_FAILED"}:
        cfn.delete_stack(StackName=stack)
        wait(course, stack)
        state = None
    try:
        if state is None:
            cfn.create_stack(StackName=stack, TemplateBody=body, Parameters=params, Tags=course.tags(), **extra)
        else:
            cfn.update_stack(StackName=stack, TemplateBody=body, Parameters=params, Tags=course.tags(), **extra)
    except ClientError as exc:
        message = exc.response["Error"].get("Message", "")
        if "No updates are to be performed" not in message:
            raise CourseError(f"CloudFormation refused stack {stack}: {message}") from None
    final = wait(course, stack)
    if final not in DONE:
        raise CourseError(f"Stack {stack} ended in {final}: {failure_reason(course, stack)}")
    return outputs(course, stack)


def outputs(course: Course, stack: str) -> dict[str, str]:
    """The stack's outputs as {OutputKey: OutputValue}."""
    found: list[dict[str, Any]] = course.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in found[0].get("Outputs", [])}


def delete(course: Course, stack: str) -> str:
    """Delete the stack and wait; return the final status."""
    if status(course, stack) is None:
        return "DELETE_COMPLETE"
    course.client("cloudformation").delete_stack(StackName=stack)
    return wait(course, stack)
