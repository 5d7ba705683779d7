"""The learner's IAM users (the lessons' cast): found by name prefix and course tag, and removed with what they hold."""
from __future__ import annotations

from botocore.exceptions import ClientError

from .course import TAG_KEY, Course


def course_users(course: Course) -> list[str]:
    """The IAM users named `kmscourse-<learner>-...` and tagged for the learner; no other user is ever touched."""
    iam = course.client("iam")
    found = []
    for page in iam.get_paginator("list_users").paginate():
        for user in page["Users"]:
            name = user["UserName"]
            if not name.startswith(course.prefix):
                continue
            try:
                tags = iam.list_user_tags(UserName=name).get("Tags", [])
            except ClientError:
                continue
            if {"Key": TAG_KEY, "Value": course.learner} in tags:
                found.append(name)
    return found


def delete_user(course: Course, name: str) -> str:
    """Delete the user's access keys, inline and attached policies, then the user (IAM refuses it before)."""
    iam = course.client("iam")
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for attached in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=attached["PolicyArn"])
    iam.delete_user(UserName=name)
    return f"deleted IAM user {name} (its access keys and policies)"
