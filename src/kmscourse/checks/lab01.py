"""Lab 01: a KMS key deployed with CloudFormation, whose key policy makes you its administrator and user."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .. import policy_table, stacks
from ..course import Course
from .elsewhere import find_region
from .result import CheckResult


def _stack_exists(cfn: Any, name: str) -> bool:
    return bool(cfn.describe_stacks(StackName=name)["Stacks"])


def check_policy(result: CheckResult, course: Course, policy: str) -> None:
    """Add the key-policy items: the root statement kept, and you as administrator and as user."""
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
        "with kms:Encrypt, kms:Decrypt, kms:ReEncrypt* and kms:GenerateDataKey*.",
    )


def check(course: Course, stack_name: Any) -> CheckResult:
    """Your stack is complete, its key is an Enabled symmetric encryption key, and its policy is right."""
    result = CheckResult("Lab 01")
    if not result.add("stack_name is a string", isinstance(stack_name, str), f"stack_name is {stack_name!r}; give the name of your stack as a string."):
        return result.finish()
    state = stacks.status(course, stack_name)
    hint = f"there is no stack '{stack_name}' in {course.region}; deploy your template first."
    if state is None:
        other = find_region(course, "cloudformation", lambda c: _stack_exists(c, stack_name))
        if other:
            hint = (f"your stack '{stack_name}' is in {other}, but the course works in {course.region}; deploy it with "
                    f"course.client('cloudformation') (or aws --region {course.region}).")
    if not result.add(f"stack {stack_name} exists in {course.region}", state is not None, hint):
        return result.finish()
    done = state in stacks.DONE
    reason = "" if done else f" ({stacks.failure_reason(course, stack_name)})"
    result.add("the stack is CREATE_COMPLETE or UPDATE_COMPLETE", done,
               f"the stack is {state}{reason}; fix the template and deploy again (describe_stack_events shows every step).")
    key_id = stacks.outputs(course, stack_name).get("KeyId") if done else None
    if not result.add("the stack has a KeyId output", bool(key_id),
                      f"stack {stack_name} has no KeyId output; add Outputs: KeyId: Value: !Ref CourseKey to the template."):
        return result.finish()
    kms = course.client("kms")
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        result.add("the key can be described", False, f"DescribeKey on {key_id} failed: {exc.response['Error']['Code']}.")
        return result.finish()
    result.add("the key is Enabled", meta["KeyState"] == "Enabled",
               f"key {key_id} is {meta['KeyState']}; enable it (kms.enable_key) or cancel its deletion.")
    kind = f"{meta.get('KeySpec')}/{meta.get('KeyUsage')}"
    result.add("the key is SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT", kind == "SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT",
               f"key {key_id} is {kind}; set KeySpec: SYMMETRIC_DEFAULT and KeyUsage: ENCRYPT_DECRYPT (this replaces the key).")
    policy = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    check_policy(result, course, policy)
    return result.finish()
