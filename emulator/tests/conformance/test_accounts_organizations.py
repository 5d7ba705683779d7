"""Member accounts made by AWS Organizations, their access role, and AssumeRole across accounts."""
from __future__ import annotations

import json

import pytest
from access_support import eventually, outsider, refused  # noqa: F401  (fixtures)
from accounts_support import ACCESS_ROLE, management_only, member  # noqa: F401  (fixtures)


@pytest.mark.behaviour("A created member account's OrganizationAccountAccessRole is an administrator the management account may assume")
def test_access_role_is_admin_trusted_by_management(course, member) -> None:
    """AWS creates OrganizationAccountAccessRole in an account made with CreateAccount: it has the
    AdministratorAccess managed policy and its trust policy names the management account, whose administrators
    assume it to act in the member account.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html"""
    iam = member.client("iam")
    role = iam.get_role(RoleName=ACCESS_ROLE)["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    principals = [s["Principal"]["AWS"] for s in trust["Statement"] if s["Effect"] == "Allow"]
    assert f"arn:aws:iam::{course.account_id}:root" in principals
    attached = iam.list_attached_role_policies(RoleName=ACCESS_ROLE)["AttachedPolicies"]
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in [p["PolicyArn"] for p in attached]
    identity = member.client("sts").get_caller_identity()
    assert identity["Account"] == member.account_id
    assert identity["Arn"].startswith(f"arn:aws:sts::{member.account_id}:assumed-role/{ACCESS_ROLE}/")


@pytest.mark.emulator_only("creates an AWS account, which a test run cannot delete")
@pytest.mark.behaviour("CreateAccount's request id reports the new account through DescribeCreateAccountStatus")
def test_create_account_status(course, member) -> None:
    """CreateAccount answers a CreateAccountStatus whose Id DescribeCreateAccountStatus takes; once State is
    SUCCEEDED it names the new AccountId, which DescribeAccount then knows.
    https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html"""
    org = course.client("organizations")
    status = org.create_account(AccountName=course.name("status"), Email="kmsemu-status@example.com")["CreateAccountStatus"]
    found = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert found["State"] == "SUCCEEDED" and len(found["AccountId"]) == 12
    assert org.describe_account(AccountId=found["AccountId"])["Account"]["Id"] == found["AccountId"]


@pytest.mark.behaviour("AssumeRole into another account needs the role's trust policy and the caller's own IAM permission")
def test_cross_account_assume_role_needs_both(course, member, outsider) -> None:
    """Across accounts, a role's trust policy naming the caller's account is not enough: the caller's own
    identity-based policies must allow sts:AssumeRole on the role too; a user without them is refused.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html"""
    message = refused(lambda: outsider.client("sts").assume_role(RoleArn=member.role_arn, RoleSessionName="nope"),
                      "AccessDenied")
    assert "because no identity-based policy allows the sts:AssumeRole action" in message
    assert course.client("sts").assume_role(RoleArn=member.role_arn, RoleSessionName="yes")["AssumedRoleUser"]["Arn"]


@pytest.mark.behaviour("A role whose trust policy does not name the caller's account cannot be assumed from it")
def test_trust_policy_decides_across_accounts(course, member, made) -> None:
    """A role trusting only its own account refuses AssumeRole from another account's administrator.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html"""
    iam, name = member.client("iam"), made.unique("own-only")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{member.account_id}:root"}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=course.tags())["Role"]["Arn"]
    member.cleanups.append(lambda: iam.delete_role(RoleName=name))
    eventually(course, lambda: refused(lambda: course.client("sts").assume_role(RoleArn=arn, RoleSessionName="no"),
                                       "AccessDenied"))


@pytest.mark.behaviour("Organizations calls are authorised by the caller's IAM policies")
def test_organizations_needs_permission(course, member, outsider) -> None:
    """Organizations is authorised like every service: a user with no policies is refused DescribeOrganization.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    refused(outsider.client("organizations").describe_organization, "AccessDeniedException")
    assert course.client("organizations").describe_organization()["Organization"]["Id"].startswith("o-")


@pytest.mark.behaviour("A member account's administrator cannot create or list the organization's accounts")
def test_member_account_cannot_manage_the_organization(course, member) -> None:
    """CreateAccount can be called only from the organization's management account, and ListAccounts only from it
    or a delegated administrator: a member account's OrganizationAccountAccessRole session, an administrator there,
    is refused both with AccessDeniedException, while DescribeOrganization names the management account.
    https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html and
    https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html"""
    management_only(course)
    org = member.client("organizations")
    assert org.describe_organization()["Organization"]["MasterAccountId"] == course.account_id
    refused(lambda: org.create_account(AccountName=course.name("never-made"), Email="kmsemu-never@example.com"),
            "AccessDeniedException")
    refused(org.list_accounts, "AccessDeniedException")
