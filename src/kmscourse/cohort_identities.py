"""Each cohort learner's IAM identity on a shared sandbox: templates/cohort-learner.yaml as stack kmscourse-cohort-<learner>.

`provision` deploys the stack (create, or update in place), gives the learner's user one access key and writes it,
with the learner's settings, to `<folder>/<learner>.env` (mode 0600; the folder 0700). It is safe to rerun: a
learner whose file still holds a working key keeps it. Secrets go only into those files, never to the screen.
`retire` is the cohort cleanup's last step per learner: the user's access keys, then the stack.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from botocore.exceptions import ClientError

from . import settings, stacks
from .cleanup_keys import is_tagged
from .course import Course
from .errors import CourseError

STACK_PREFIX = "kmscourse-cohort-"
"""The cohort's stacks: the instructor's, denied to every learner by the template."""

TEMPLATE = "cohort-learner.yaml"

ENV_KEYS = ("KMSCOURSE_BACKEND", "KMSCOURSE_ACCOUNT_ID", "KMSCOURSE_LEARNER", "KMSCOURSE_CAST_BOUNDARY",
            "KMSCOURSE_PARTNER_ROLE_ARN", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
"""The lines of a learner's credentials file, in order."""


def stack_name(learner: str) -> str:
    """The learner's identity stack, `kmscourse-cohort-<learner>`."""
    return STACK_PREFIX + learner


def user_name(learner: str) -> str:
    """The learner's IAM user, `kmscourse-<learner>`."""
    return f"kmscourse-{learner}"


def check_names(learners: list[str]) -> None:
    """Refuse names whose resources another learner's prefix would cover, before anything is touched."""
    for name in learners:
        if name == "cohort":
            raise CourseError("'cohort' cannot be a learner name on a sandbox cohort: kmscourse-cohort-* are the "
                              "instructor's stacks. Rename that learner; nothing was changed.")
        for other in learners:
            if other.startswith(f"{name}-"):
                raise CourseError(f"'{other}' starts with '{name}-', so learner {name}'s prefix kmscourse-{name}-* would "
                                  f"cover {other}'s buckets and stacks; rename one of them. Nothing was changed.")


def read_env(path: Path) -> dict[str, str]:
    """The KEY=value lines of a credentials file ({} when there is none)."""
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip()
    return found


def _write_env(path: Path, values: dict[str, str]) -> None:
    """Write the file with mode 0600 from the start (never readable by others, not even for a moment)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    partial = path.with_suffix(".env.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"# kmscourse cohort credentials for learner {values['KMSCOURSE_LEARNER']}: this learner's hub "
                  "server environment. Secret: never share or commit.\n")
        out.writelines(f"{key}={values[key]}\n" for key in ENV_KEYS)
    os.replace(partial, path)


def _key_still_works(course: Course, learner: str, env: dict[str, str]) -> bool:
    """True when the file's access key is still one of the learner user's keys."""
    if not env.get("AWS_ACCESS_KEY_ID"):
        return False
    keys = course.client("iam").list_access_keys(UserName=user_name(learner))["AccessKeyMetadata"]
    return any(k["AccessKeyId"] == env.get("AWS_ACCESS_KEY_ID") for k in keys)


def _refuse_foreign_stacks(course: Course, learners: list[str]) -> None:
    """Refuse, before any change, to update a kmscourse-cohort-<learner> stack that the cohort did not make and tag."""
    from .cohort import as_learner  # cohort imports this module for cleanup

    for learner in learners:
        if stacks.status(course, stack_name(learner)) is not None and cohort_stack(as_learner(course, learner)) is None:
            raise CourseError(f"Stack {stack_name(learner)} exists but is not tagged kmscourse:learner={learner}, so it is not "
                              "the cohort's; delete or rename it yourself, or rename the learner. Nothing was changed.")


def plan(course: Course, learners: list[str], folder: Path) -> list[str]:
    """What provision would do, one line per change; reads only."""
    check_names(learners)
    _refuse_foreign_stacks(course, learners)
    lines = []
    for learner in learners:
        state = stacks.status(course, stack_name(learner))
        lines.append(f"{'update' if state else 'create'} stack {stack_name(learner)} (IAM user {user_name(learner)}, "
                     f"policy {STACK_PREFIX}{learner})")
        env = folder / f"{learner}.env"
        if state and _key_still_works(course, learner, read_env(env)):
            lines.append(f"keep {user_name(learner)}'s access key in {env}")
        else:
            lines.append(f"create an access key for {user_name(learner)} and write it to {env} (mode 0600)")
    return lines


def provision(course: Course, learners: list[str], folder: Path, echo: Callable[[str], None] = print) -> list[Path]:
    """Deploy each learner's identity stack and write their credentials file; return the files.

    The instructor's KMSCOURSE_PARTNER_ROLE_ARN, when set, goes into each learner's template (they may assume it) and
    credentials file, for lesson 12's partner account.
    """
    check_names(learners)
    _refuse_foreign_stacks(course, learners)
    body = stacks.template(TEMPLATE)
    partner = settings.PARTNER_ROLE_ARN.get()
    written = []
    for learner in learners:
        from .cohort import as_learner  # cohort imports this module for cleanup

        outputs = stacks.deploy(as_learner(course, learner), stack_name(learner), body,
                                {"LearnerName": learner, "PartnerRoleArn": partner},
                                ("CAPABILITY_NAMED_IAM",))  # the template names its user and policy
        echo(f"  stack {stack_name(learner)}: {stacks.status(course, stack_name(learner))} (user {outputs['UserName']})")
        env_path = folder / f"{learner}.env"
        key = {name: read_env(env_path).get(name, "") for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        if _key_still_works(course, learner, read_env(env_path)):
            echo(f"  kept {outputs['UserName']}'s access key in {env_path}")
        else:
            iam = course.client("iam")
            for old in iam.list_access_keys(UserName=outputs["UserName"])["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=outputs["UserName"], AccessKeyId=old["AccessKeyId"])  # a lost file's key
            made = iam.create_access_key(UserName=outputs["UserName"])["AccessKey"]
            key = {"AWS_ACCESS_KEY_ID": made["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": made["SecretAccessKey"]}
            echo(f"  wrote {outputs['UserName']}'s new access key to {env_path} (mode 0600)")
        _write_env(env_path, {  # rewritten on every run, so a changed setting (a partner role added) reaches the file
            "KMSCOURSE_BACKEND": "aws", "KMSCOURSE_ACCOUNT_ID": course.account_id, "KMSCOURSE_LEARNER": learner,
            "KMSCOURSE_CAST_BOUNDARY": outputs["PolicyArn"], "KMSCOURSE_PARTNER_ROLE_ARN": partner,
            "AWS_DEFAULT_REGION": course.region, **key,
        })
        written.append(env_path)
    return written


def cohort_stack(course: Course) -> str | None:
    """The learner's identity stack when it exists and carries the learner's tag, else None."""
    name = stack_name(course.learner)
    if stacks.status(course, name) is None:
        return None
    found = course.client("cloudformation").describe_stacks(StackName=name)["Stacks"][0]
    return name if is_tagged(found.get("Tags", []), course.learner) else None


def retire(course: Course, dry_run: bool) -> tuple[list[str], list[str]]:
    """Delete the learner's identity (its user's access keys, then its stack); return (lines done, survivors)."""
    name = cohort_stack(course)
    if name is None:
        return [], []
    if dry_run:
        return [f"delete {user_name(course.learner)}'s access keys, then stack {name}"], []
    iam = course.client("iam")
    resources = course.client("cloudformation").list_stack_resources(StackName=name).get("StackResourceSummaries", [])
    for user in [r["PhysicalResourceId"] for r in resources if r.get("ResourceType") == "AWS::IAM::User"]:
        try:  # only the stack's own user: CloudFormation cannot delete a user that still holds access keys
            for key in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchEntity":
                raise
    final = stacks.delete(course, name)
    if final == "DELETE_COMPLETE":
        return [f"deleted stack {name} (IAM user {user_name(course.learner)} and its policy)"], []
    return [f"stack {name} ended in {final}: {stacks.failure_reason(course, name)}"], [f"stack {name} ({final})"]
