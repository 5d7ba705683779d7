"""Lab 01: a KMS key deployed with CloudFormation, whose key policy makes you its administrator and user."""
from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from .. import policy_table, prereqs, stacks
from ..course import Course
from .elsewhere import find_region
from .notebook import NOT_SET, answer, is_set, require
from .result import CheckResult

TEAMMATE = "teammate-key"
"""The suffix of the teammate's stack that Exercise 3 deploys and that rolls back (`kmscourse-<learner>-teammate-key`)."""

_ONE_ROLE = ("kms:PutKeyPolicy", "kms:Decrypt")
"""An administration action and a use action: a statement naming you that allows both mixes the two roles."""


def _stack_exists(cfn: Any, name: str) -> bool:
    return bool(cfn.describe_stacks(StackName=name)["Stacks"])


def latest_failure(course: Course, stack: str) -> dict[str, Any] | None:
    """The earliest resource failure of the stack's latest create or update (the root cause), or None."""
    try:
        events = course.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    except ClientError:
        return None
    latest: list[dict[str, Any]] = []
    for event in events:  # newest first: stop at the event that started the latest operation
        latest.append(event)
        if event.get("LogicalResourceId") == stack and event.get("ResourceStatus") in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
            break
    failed = [e for e in latest if e.get("ResourceStatus", "").endswith("FAILED") and e.get("LogicalResourceId") != stack]
    return failed[-1] if failed else None


def _reason(course: Course, stack: str) -> str:
    """The root cause of the stack's latest failure, as 'Resource: reason'."""
    event = latest_failure(course, stack)
    if event is None:
        return stacks.failure_reason(course, stack)
    return f"{event['LogicalResourceId']}: {event.get('ResourceStatusReason', 'no reason given')}"


def check_policy(result: CheckResult, course: Course, policy: str) -> None:
    """Add the key-policy items: the root statement kept, you as administrator and as user, one role per statement."""
    you = course.principal_arn
    named = sorted({p for r in policy_table.rows(policy) for p in r.principals if not p.endswith(":root") and p != you})
    wrong = f" The policy names {', '.join(named)}, not you." if named else ""
    root = f"arn:aws:iam::{course.account_id}:root"
    result.add(
        "the key policy keeps the account-root statement",
        policy_table.root_statement(policy, course.account_id) is not None,
        f"no statement allows kms:* to {root}. Keep it: it lets IAM policies in your account grant use of the key, "
        "and it keeps the key manageable if your own user is ever deleted.",
    )
    admin = policy_table.missing(policy, you, policy_table.ADMIN_ACTIONS)
    result.add(
        "the key policy makes you key administrator",
        not admin,
        f"no statement naming you ({you}) allows {', '.join(admin)}.{wrong} Name your own ARN "
        "(course.principal_arn) as the Principal of the administration statement.",
    )
    use = policy_table.missing(policy, you, policy_table.USE_ACTIONS)
    result.add(
        "the key policy makes you key user",
        not use,
        f"no statement naming you ({you}) allows {', '.join(use)}.{wrong} Add a statement for the key user "
        "with the cryptographic operations: encrypt, decrypt, re-encrypt and generate data keys.",
    )
    mixed = [r.sid for r in policy_table.rows(policy) if you in r.principals and r.effect == "Allow"
             and all(policy_table.allows({"Statement": [_statement(r)]}, you, a) for a in _ONE_ROLE)]
    result.add(
        "each statement naming you has one role",
        not mixed,
        f"statement {', '.join(mixed)} lets you both administer the key (kms:PutKeyPolicy) and use it (kms:Decrypt). "
        "Keep administration and use in separate statements, so each role can later go to a different principal.",
    )


def _statement(row: policy_table.Row) -> dict[str, Any]:
    """A policy row back as a statement, for asking what it alone allows."""
    return {"Effect": row.effect, "Principal": {"AWS": list(row.principals)}, "Action": list(row.actions)}


def check_key_stack(result: CheckResult, course: Course, stack_name: Any) -> None:
    """Your stack is complete, its key is an Enabled symmetric encryption key, and its policy is right."""
    if not result.add("stack_name is a string", isinstance(stack_name, str), f"stack_name is {stack_name!r}; give the name of your stack as a string."):
        return
    state = stacks.status(course, stack_name)
    hint = f"there is no stack '{stack_name}' in {course.region}; deploy your template first (Exercise 2)."
    if state is None:
        other = find_region(course, "cloudformation", lambda c: _stack_exists(c, stack_name))
        if other:
            hint = (f"your stack '{stack_name}' is in {other}, but the course works in {course.region}; deploy it with "
                    f"course.client('cloudformation') (or aws --region {course.region}).")
    if not result.add(f"stack {stack_name} exists in {course.region}", state is not None, hint):
        return
    if not result.add("the stack is CREATE_COMPLETE or UPDATE_COMPLETE", state in stacks.DONE,
                      f"the stack is {state} because {_reason(course, stack_name)}. Fix that in your template and deploy "
                      "again (Exercise 2); describe_stack_events shows every step."):
        return
    key_id = stacks.outputs(course, stack_name).get("KeyId")
    if not result.add("the stack has a KeyId output", bool(key_id),
                      f"stack {stack_name} has no KeyId output; add Outputs: KeyId: Value: !Ref CourseKey to the template."):
        return
    kms = course.client("kms")
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        result.add("the key can be described", False, f"DescribeKey on {key_id} failed: {exc.response['Error']['Code']}.")
        return
    result.add("the key is Enabled", meta["KeyState"] == "Enabled",
               f"key {key_id} is {meta['KeyState']}; enable it (kms.enable_key) or cancel its deletion.")
    kind = f"{meta.get('KeySpec')}/{meta.get('KeyUsage')}"
    result.add("the key is SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT", kind == "SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT",
               f"key {key_id} is {kind}; the course key must be KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT. "
               "CloudFormation cannot change either on an existing key (the update fails and rolls back), so delete "
               "the stack (stacks.delete) and deploy it again.")
    policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    check_policy(result, course, policy)


def _template(course: Course, stack: str) -> dict[str, Any]:
    """The template a stack was deployed with, as a dict (CloudFormation keeps it after a rollback)."""
    from cfnlint.decode import cfn_yaml

    body = course.client("cloudformation").get_template(StackName=stack)["TemplateBody"]
    return json.loads(json.dumps(body)) if isinstance(body, dict) else dict(cfn_yaml.loads(body))


def unknown_principals(course: Course, template: dict[str, Any]) -> list[str]:
    """The IAM user and role ARNs the template's key policies name that IAM does not know."""
    iam = course.client("iam")
    found = []
    for resource in (template.get("Resources") or {}).values():
        policy = (resource.get("Properties") or {}).get("KeyPolicy") or {}
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            names = (statement.get("Principal") or {}).get("AWS", []) if isinstance(statement.get("Principal"), dict) else []
            for arn in names if isinstance(names, list) else [names]:
                if not isinstance(arn, str) or not arn.startswith("arn:") or ":root" in arn:
                    continue
                kind, _, name = arn.split(":", 5)[-1].partition("/")
                try:
                    iam.get_user(UserName=name.rsplit("/", 1)[-1]) if kind == "user" else iam.get_role(RoleName=name.rsplit("/", 1)[-1])
                except ClientError:
                    found.append(arn)
    return found


def check_rollback(result: CheckResult, course: Course, failed_resource: Any, failure_reason: Any, bad_principal: Any) -> None:
    """Exercise 3: the resource that failed in the teammate's stack, KMS's reason, and the principal it refused."""
    stack = course.name(TEAMMATE)
    if not result.add(f"the teammate's stack {stack} was deployed", stacks.status(course, stack) is not None,
                      f"there is no stack {stack}; run the first cell of Exercise 3, which deploys the teammate's template."):
        return
    event = latest_failure(course, stack)
    if not result.add(f"stack {stack} recorded a failure", event is not None,
                      f"stack {stack} is {stacks.status(course, stack)} with no failed resource; run the first cell of Exercise 3 again."):
        return
    assert event is not None
    actual, reason = event["LogicalResourceId"], str(event.get("ResourceStatusReason", ""))
    if require(result, failed_resource, "failed_resource", "do Exercise 3", "failed_resource names the resource that failed"):
        hint = (f"you have {failed_resource!r}, but the earliest failed event names {actual}. Events come newest first, so "
                "the root cause is the last event in the list whose ResourceStatus ends in FAILED.")
        if failed_resource == stack:
            hint = (f"{stack!r} is the stack itself: its ROLLBACK events only say that something failed. The root cause is "
                    "the earliest event whose ResourceStatus ends in FAILED and whose LogicalResourceId is a resource.")
        result.add("failed_resource names the resource that failed", failed_resource == actual, hint)
    if require(result, failure_reason, "failure_reason", "do Exercise 3", "failure_reason is the reason KMS gave"):
        given = str(failure_reason).strip()
        hint = (f"your failure_reason is {given[:80]!r}, but the earliest failed event of {actual} says {reason!r}; "
                "take ResourceStatusReason from that event.")
        if "failed to create" in given or "Rollback requested" in given:
            hint = ("that is the stack's summary of the rollback, not its cause; take ResourceStatusReason from the "
                    f"earliest failed event of {actual}.")
        result.add("failure_reason is the reason KMS gave", len(given) >= 10 and given in reason, hint)
    if require(result, bad_principal, "bad_principal", "do Exercise 3", "bad_principal is the principal KMS refused"):
        unknown = unknown_principals(course, _template(course, stack))
        hint = (f"IAM knows {bad_principal!r}, or the teammate's policy does not name it; KMS refuses a key policy naming a "
                "principal that does not exist, so ask IAM about each principal the policy names (iam.get_user).")
        if bad_principal == course.principal_arn:
            hint = "that is you (the LearnerArn parameter), and you exist; which principal does IAM not know?"
        result.add("bad_principal is the principal KMS refused", bad_principal in unknown, hint)


def check(course: Course, stack_name: Any = NOT_SET, failed_resource: Any = NOT_SET, failure_reason: Any = NOT_SET,
          bad_principal: Any = NOT_SET) -> CheckResult:
    """Your key's stack and policy, and (in the lab) why the teammate's stack rolled back.

    The lab's check cell, `lab01.check(course)`, reads every answer from the notebook and checks all three exercises.
    Lesson 01 passes its stack name and checks the key stack only (unless it passes rollback answers too).
    """
    result = CheckResult("Lab 01")
    lab = stack_name is NOT_SET
    name = answer(stack_name, "stack_name")
    check_key_stack(result, course, name if is_set(name) else prereqs.key_stack_name(course))
    if lab or any(is_set(v) for v in (failed_resource, failure_reason, bad_principal)):
        check_rollback(result, course, answer(failed_resource, "failed_resource"), answer(failure_reason, "failure_reason"),
                       answer(bad_principal, "bad_principal"))
    return result.finish()
