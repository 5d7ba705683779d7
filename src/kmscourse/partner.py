"""A second account for lesson 12: a partner account the learner reaches by role, to share a key across accounts.

On the emulator it is made through AWS Organizations (CreateOrganization once, CreateAccount), and the learner acts in
it through the OrganizationAccountAccessRole that AWS creates there (AdministratorAccess, trusted by the management
account). On a sandbox account the instructor names a role in a second account (KMSCOURSE_PARTNER_ROLE_ARN); without
one, `partner` returns None and the lesson says what it would show.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from . import settings
from .course import _CLIENT_CONFIG, Course
from .errors import CourseError
from .sessions import new_session

ACCESS_ROLE = "OrganizationAccountAccessRole"
"""The role AWS Organizations creates in an account it makes, for the management account to administer it."""


@dataclass
class Partner:
    """The partner account, acted in through a role session."""

    account_id: str
    role_arn: str
    course: Course = field(repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client acting in the partner account as its administrator role."""
        if service not in self._clients:
            creds = self.course.client("sts").assume_role(RoleArn=self.role_arn, RoleSessionName=self.course.name("partner"))
            session = new_session(aws_access_key_id=creds["Credentials"]["AccessKeyId"],
                                  aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
                                  aws_session_token=creds["Credentials"]["SessionToken"], region_name=self.course.region)
            self._clients[service] = session.client(service, region_name=self.course.region,
                                                    endpoint_url=self.course.endpoint_url, config=_CLIENT_CONFIG)
        return self._clients[service]


def _account_by_name(organizations: Any, name: str) -> str | None:
    for page in organizations.get_paginator("list_accounts").paginate():
        for account in page["Accounts"]:
            if account["Name"] == name and account["Status"] == "ACTIVE":
                return str(account["Id"])
    return None


def _create_account(course: Course) -> str:
    """The partner account's id, made through Organizations on the emulator (once: found again by its name)."""
    organizations = course.client("organizations")
    try:
        organizations.describe_organization()
    except ClientError:
        organizations.create_organization(FeatureSet="ALL")
    name = course.name("partner")
    found = _account_by_name(organizations, name)
    if found:
        return found
    request = organizations.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    for _ in range(60):
        status = organizations.describe_create_account_status(CreateAccountRequestId=request["Id"])["CreateAccountStatus"]
        if status["State"] == "SUCCEEDED":
            return str(status["AccountId"])
        if status["State"] == "FAILED":
            raise CourseError(f"Organizations could not create the partner account ({status.get('FailureReason')}).")
        time.sleep(1)
    raise CourseError("Organizations did not finish creating the partner account within a minute.")


def partner(course: Course) -> Partner | None:
    """The partner account: made on the emulator, KMSCOURSE_PARTNER_ROLE_ARN's on a sandbox (None when unset)."""
    if course.backend == "aws":
        role_arn = settings.PARTNER_ROLE_ARN.get()
        return Partner(role_arn.split(":")[4], role_arn, course) if role_arn else None
    account_id = _create_account(course)
    return Partner(account_id, f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}", course)


def organization_root(course: Course) -> str:
    """The id of the organisation's root, where policies attach to every account."""
    return str(course.client("organizations").list_roots()["Roots"][0]["Id"])


def guardrail(course: Course, member: Partner, document: dict[str, Any]) -> str:
    """Attach `document` as a service control policy to the partner account (made or updated once); its policy id."""
    import json

    organizations = course.client("organizations")
    root = organization_root(course)
    types = organizations.list_roots()["Roots"][0].get("PolicyTypes", [])
    if not any(t["Type"] == "SERVICE_CONTROL_POLICY" and t["Status"] == "ENABLED" for t in types):
        organizations.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    name = course.name("guardrail")
    listed = organizations.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    found = next((p["Id"] for p in listed if p["Name"] == name), None)
    if found is None:
        found = organizations.create_policy(Name=name, Type="SERVICE_CONTROL_POLICY", Description="kmscourse lesson 12",
                                            Content=json.dumps(document))["Policy"]["PolicySummary"]["Id"]
    else:
        organizations.update_policy(PolicyId=found, Content=json.dumps(document))
    targets = organizations.list_targets_for_policy(PolicyId=found)["Targets"]
    if not any(t["TargetId"] == member.account_id for t in targets):
        organizations.attach_policy(PolicyId=found, TargetId=member.account_id)
    return str(found)
