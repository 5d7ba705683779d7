"""IAM's own request condition keys: a delegated administrator may make users only within a boundary, with a tag.

These are the keys a shared sandbox's learner policy relies on (templates/cohort-learner.yaml of the course).
"""
from __future__ import annotations

import json

import pytest
from access_support import describe_only_boundary, eventually, refused

READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def _delete_user(course, name: str) -> None:
    iam = course.client("iam")
    for attached in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=attached["PolicyArn"])
    iam.delete_user_permissions_boundary(UserName=name)
    iam.delete_user(UserName=name)


@pytest.mark.behaviour("iam:PermissionsBoundary and aws:RequestTag decide CreateUser and AttachUserPolicy")
def test_delegated_admin_creates_users_only_within_a_boundary(course, made) -> None:
    """An identity policy may allow iam:CreateUser only when the request sets a given permissions boundary
    (iam:PermissionsBoundary) and tag (aws:RequestTag/<key>), and iam:AttachUserPolicy only on users that have that
    boundary; AttachUserPolicy is authorised on the user, with the policy as iam:PolicyARN.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html"""
    boundary = describe_only_boundary(course, made, "iam-req-boundary")
    users = f"arn:aws:iam::{course.account_id}:user/{course.prefix}*"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:CreateUser", "Resource": users,
         "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary, "aws:RequestTag/team": "blue"}}},
        {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": users,
         "Condition": {"StringEquals": {"iam:PermissionsBoundary": boundary, "iam:PolicyARN": READ_ONLY}}},
    ]}
    admin = course.member("iam-req-admin", inline={"delegate": json.dumps(policy)})
    iam = admin.client("iam")
    tags = [{"Key": "team", "Value": "blue"}, *course.tags()]
    bounded = made.unique("iam-req-bounded")
    eventually(course, lambda: iam.create_user(UserName=bounded, PermissionsBoundary=boundary, Tags=tags))
    made.cleanups.append(lambda: _delete_user(course, bounded))
    refused(lambda: iam.create_user(UserName=made.unique("iam-req-free"), Tags=tags), "AccessDenied")
    refused(lambda: iam.create_user(UserName=made.unique("iam-req-red"), PermissionsBoundary=boundary,
                                    Tags=[{"Key": "team", "Value": "red"}, *course.tags()]), "AccessDenied")
    iam.attach_user_policy(UserName=bounded, PolicyArn=READ_ONLY)
    refused(lambda: iam.attach_user_policy(UserName=bounded, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess"),
            "AccessDenied")
    unbounded = made.unique("iam-req-other")
    course.client("iam").create_user(UserName=unbounded, Tags=course.tags())
    made.cleanups.append(lambda: course.client("iam").delete_user(UserName=unbounded))
    refused(lambda: iam.attach_user_policy(UserName=unbounded, PolicyArn=READ_ONLY), "AccessDenied")
