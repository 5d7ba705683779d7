"""Authorisation of IAM, STS, CloudFormation and CloudTrail calls: the caller's identity-based policies decide.

IAM, CloudFormation and CloudTrail have no resource-based policies for these calls, so an explicit Deny refuses, an
Allow permits, and no Allow refuses.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
"""
from __future__ import annotations

from kmsemu.errors import AwsError
from kmsemu.http import Request
from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller
from kmsemu.iam.request_keys import iam_request_context
from kmsemu.kms.operations import caller_context

_IAM_RESOURCES = (("UserName", "user"), ("RoleName", "role"), ("GroupName", "group"), ("InstanceProfileName", "instance-profile"))

_STS_UNGATED = frozenset({"GetCallerIdentity", "GetSessionToken"})
"""STS calls that need no permission (GetCallerIdentity works even under an explicit Deny)."""
# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html


def identity_check(caller: Caller, action: str, resource: str, region: str,
                   extra: dict[str, str | list[str]] | None = None) -> AwsError | None:
    """None when the caller's identity-based policies allow `action` on `resource`, else AccessDenied (query XML)."""
    check = Check(action, resource, None, {**caller_context(caller, region, None), **(extra or {})})
    decision = decide(caller, check, use_grants=False)
    if decision.allowed:
        return None
    return AwsError("AccessDenied", decision.message(caller, check), 403)


def iam_resource(caller: Caller, operation: str, form: dict[str, str]) -> str:
    """The ARN an IAM action acts on: the named user, role, group or policy, the caller itself, or `*`.

    Attaching a policy acts on the user, role or group (the policy is its iam:PolicyARN condition key).
    https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
    """
    for parameter, kind in _IAM_RESOURCES:
        if form.get(parameter):
            return f"arn:aws:iam::{caller.account}:{kind}/{form[parameter]}"
    if form.get("PolicyArn"):
        return form["PolicyArn"]
    if operation.endswith(("AccessKey", "AccessKeys", "User", "UserPolicy", "UserPolicies")) and caller.kind == "User":
        return caller.arn  # these act on the caller's own user when UserName is left out
    return "*"


def authorize_iam(request: Request, caller: Caller) -> AwsError | None:
    """iam:<Operation> on the resource it names."""
    operation = request.operation or ""
    form = request.form()
    return identity_check(caller, f"iam:{operation}", iam_resource(caller, operation, form), request.region or "us-east-1",
                          iam_request_context(caller.account, operation, form))


def authorize_sts(request: Request, caller: Caller) -> AwsError | None:
    """AssumeRole by the role's trust policy and the caller's policies; GetCallerIdentity always; the rest by policy."""
    from kmsemu.sts import assume_role

    operation = request.operation or ""
    if operation in _STS_UNGATED:
        return None
    if operation == "AssumeRole":
        message = assume_role.refusal(caller, request.body or request.environ.get("QUERY_STRING", "").encode(), request.region or "us-east-1")
        return AwsError("AccessDenied", message, 403) if message else None
    return identity_check(caller, f"sts:{operation}", "*", request.region or "us-east-1")


def authorize_cloudformation(request: Request, caller: Caller) -> AwsError | None:
    """cloudformation:<Operation> on the stack it names (any stack id), else on `*`."""
    region = request.region or "us-east-1"
    name = request.form().get("StackName", "")
    if name.startswith("arn:"):
        resource = name
    elif name:
        resource = f"arn:aws:cloudformation:{region}:{caller.account}:stack/{name}/*"
    else:
        resource = "*"
    return identity_check(caller, f"cloudformation:{request.operation}", resource, region)


def authorize_cloudtrail(request: Request, caller: Caller) -> AwsError | None:
    """cloudtrail:<Operation> on the trail it names, else on `*` (LookupEvents has no resource); JSON's AccessDeniedException."""
    region = request.region or "us-east-1"
    name = request.json().get("Name") or request.json().get("TrailName")
    if isinstance(name, str) and name.startswith("arn:"):
        resource = name
    elif isinstance(name, str) and name:
        resource = f"arn:aws:cloudtrail:{region}:{caller.account}:trail/{name}"
    else:
        resource = "*"
    refusal = identity_check(caller, f"cloudtrail:{request.operation}", resource, region)
    return AwsError("AccessDeniedException", refusal.message, 400) if refusal is not None else None


def authorize_organizations(request: Request, caller: Caller) -> AwsError | None:
    """organizations:<Operation> on `*` by the caller's identity-based policies, then the management account's own
    operations refused to member accounts; JSON's AccessDeniedException."""
    from kmsemu.organizations import management

    refusal = identity_check(caller, f"organizations:{request.operation}", "*", request.region or "us-east-1")
    if refusal is not None:
        return AwsError("AccessDeniedException", refusal.message, 400)
    return management.refusal(caller.account, request.operation or "")
