"""A second account for the conformance suite: a member account the suite's identity administers by role.

On the emulator, `member_account` makes one through AWS Organizations (CreateOrganization once, CreateAccount) and
assumes the OrganizationAccountAccessRole AWS puts in it. On AWS it assumes the role KMSEMU_MEMBER_ACCOUNT_ROLE_ARN
names (a role in another account that trusts the suite's account), and skips the test with the reason when unset.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from kmsemu.sessions import new_session

ROLE_ENV = "KMSEMU_MEMBER_ACCOUNT_ROLE_ARN"
ACCESS_ROLE = "OrganizationAccountAccessRole"


@dataclass
class MemberAccount:
    """Another account, acted in through a role session that is renewed before it expires."""

    account_id: str
    role_arn: str
    course: Any = field(repr=False)
    session: boto3.Session | None = field(default=None, repr=False)
    expires: dt.datetime | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)
    cleanups: list[Any] = field(default_factory=list, repr=False)

    @property
    def arn(self) -> str:
        """The ARN of the role session acting in the account."""
        return str(self.client("sts").get_caller_identity()["Arn"])

    def client(self, service: str) -> Any:
        """A boto3 client acting in the member account (a new role session once the old one is near its end)."""
        if self.session is None or self.expires is None or self.course.now() > self.expires - dt.timedelta(minutes=5):
            creds = self.course.client("sts").assume_role(RoleArn=self.role_arn, RoleSessionName="kmsemu-conformance")
            creds = creds["Credentials"]
            self.session = new_session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                       aws_session_token=creds["SessionToken"], region_name=self.course.region)
            self.expires, self._clients = self.course.now() + dt.timedelta(minutes=55), {}
        if service not in self._clients:
            from backend import CLIENT_CONFIG

            self._clients[service] = self.session.client(service, region_name=self.course.region,
                                                         endpoint_url=self.course.endpoint_url, config=CLIENT_CONFIG)
        return self._clients[service]


    def user(self, name: str, policy_arns: tuple[str, ...] = ()) -> tuple[str, Any]:
        """A new IAM user of the member account with these policies: its ARN and a KMS client acting as it."""
        iam = self.client("iam")
        arn = iam.create_user(UserName=name, Tags=self.course.tags())["User"]["Arn"]
        for policy_arn in policy_arns:
            iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.cleanups.append(lambda: _delete_user(iam, name, key["AccessKeyId"], policy_arns))
        session = new_session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                              region_name=self.course.region)
        return arn, session.client("kms", region_name=self.course.region, endpoint_url=self.course.endpoint_url)

    def close(self) -> None:
        """Remove the users this test made in the member account."""
        while self.cleanups:
            try:
                self.cleanups.pop()()
            except ClientError:
                pass


def _delete_user(iam: Any, name: str, key_id: str, policy_arns: tuple[str, ...]) -> None:
    iam.delete_access_key(UserName=name, AccessKeyId=key_id)
    for policy_arn in policy_arns:
        iam.detach_user_policy(UserName=name, PolicyArn=policy_arn)
    iam.delete_user(UserName=name)


def member_account(course: Any) -> MemberAccount:
    """The suite's member account (made once per process on the emulator); skips on AWS without KMSEMU_MEMBER_ACCOUNT_ROLE_ARN."""
    found = course.__dict__.get("_member_account")
    if found is not None:
        return found  # type: ignore[no-any-return]
    if course.backend == "aws":
        role_arn = os.environ.get(ROLE_ENV, "").strip()
        if not role_arn:
            pytest.skip(f"needs a second account: set {ROLE_ENV} to the ARN of a role there that this account may "
                        "assume (an account made by Organizations has OrganizationAccountAccessRole)")
        account_id = role_arn.split(":")[4]
    else:
        account_id = _create_account(course)
        role_arn = f"arn:aws:iam::{account_id}:role/{ACCESS_ROLE}"
    found = MemberAccount(account_id, role_arn, course)
    course.__dict__["_member_account"] = found
    return found


def _create_account(course: Any) -> str:
    """CreateOrganization (unless the account already has one), CreateAccount, and wait for it to succeed."""
    org = course.client("organizations")
    try:
        org.create_organization(FeatureSet="ALL")
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "AlreadyInOrganizationException":
            raise
    status = org.create_account(AccountName=course.name("member"), Email="kmsemu-conformance@example.com",
                                Tags=course.tags())["CreateAccountStatus"]
    while status["State"] == "IN_PROGRESS":
        time.sleep(1)
        status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED", status
    return str(status["AccountId"])


def organization_root(course: Any) -> str:
    """The id of the root of the suite's organization (the suite's account must be its management account)."""
    return str(course.client("organizations").list_roots()["Roots"][0]["Id"])


def management_only(course: Any) -> None:
    """Skip unless the suite's account manages the member account's organization (SCPs are set from there)."""
    member_account(course)
    try:
        org = course.client("organizations").describe_organization()["Organization"]
    except ClientError as exc:
        pytest.skip(f"needs the suite's account to be an organization's management account ({exc})")
    if org["MasterAccountId"] != course.account_id:
        pytest.skip("needs the suite's account to be the organization's management account")


@pytest.fixture
def member(course: Any) -> Iterator[MemberAccount]:
    """The member account; users a test makes there are removed after it."""
    found = member_account(course)
    yield found
    found.close()
