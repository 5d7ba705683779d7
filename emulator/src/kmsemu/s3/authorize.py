"""Authorisation of S3 calls: the caller's identity-based policies and the bucket policy, combined as AWS does.

Within the bucket owner's account an Allow in either is enough; across accounts both must allow; an explicit
Deny in either refuses, its conditions evaluated on every S3 call (kmsemu.s3.bucket_policy says with which keys).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html
A refusal within the bucket owner's account or organization names the caller, the action, the resource and the kind
of policy that refused; from outside it, S3 says only "Access Denied".
https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples
"""
from __future__ import annotations

from typing import Any

from kmsemu.errors import AwsError
from kmsemu.http import Request
from kmsemu.iam import policy
from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller
from kmsemu.kms.operations import caller_context
from kmsemu.s3.actions import resource, target
from kmsemu.s3.bucket_policy import judged, request_keys

_DENIED = AwsError("AccessDenied", "Access Denied", 403)
RESOURCE_POLICY_DENY = "with an explicit deny in a resource-based policy"


def denied(caller: Caller, action: str, arn: str, reason: str, owner: str | None) -> AwsError:
    """S3's AccessDenied: with its context for a caller of the owner's account or organization, bare otherwise."""
    from kmsemu.organizations.accounts import org_id

    organization = org_id(caller.account)
    if owner is not None and owner != caller.account and (organization is None or organization != org_id(owner)):
        return _DENIED
    target = f' on resource: "{arn}"' if arn != "*" else ""
    return AwsError("AccessDenied", f"User: {caller.arn} is not authorized to perform: {action}{target} {reason}", 403)


def _bucket(name: str) -> Any:
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def _bucket_policy(bucket: Any) -> tuple[policy.Statement, ...]:
    text = getattr(bucket, "policy", None)
    if not text:
        return ()
    return policy.statements(text.decode() if isinstance(text, bytes) else text)


def _deleted_keys(request: Request) -> list[str]:
    """The object keys a DeleteObjects request (POST ?delete) names, or MalformedXML."""
    from xml.etree import ElementTree

    try:
        root = ElementTree.fromstring(request.body or b"")
    except ElementTree.ParseError:
        raise AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                       "published schema", 400) from None
    return [str(node.text or "") for node in root.iter() if node.tag.rsplit("}", 1)[-1] == "Key"]


def authorize_s3(request: Request, caller: Caller) -> AwsError | None:
    """None when the caller may make this S3 call, else S3's AccessDenied.

    DeleteObjects needs s3:DeleteObject on every key it names; the emulator refuses the whole request for the first key
    refused, where S3 deletes the others and reports AccessDenied per key (the fidelity table says so).
    """
    if request.operation == "DeleteObject" and "delete" in request.query:
        bucket_arn = resource(request)
        for key in _deleted_keys(request):
            refusal = _authorize(request, caller, "s3:DeleteObject", f"{bucket_arn}/{key}")
            if refusal is not None:
                return refusal
        return None
    return _authorize(request, caller, f"s3:{request.operation}", resource(request))


def _authorize(request: Request, caller: Caller, action: str, arn: str) -> AwsError | None:
    """None when the caller may perform `action` on `arn` (identity policies and the bucket policy), else AccessDenied."""
    context = {**caller_context(caller, request.region or "us-east-1", None), **request_keys(request)}
    identity = decide(caller, Check(action, arn, None, context), use_grants=False)
    name, _ = target(request)
    bucket = _bucket(name) if name and request.operation != "CreateBucket" else None
    if bucket is None:
        return None if identity.allowed else denied(caller, action, arn, identity.reason, None)
    owner = str(bucket.account_id)
    statements = _bucket_policy(bucket)
    for s in statements:
        if not s.allows and judged(s) and policy.principal_match(s, caller) is not policy.PrincipalMatch.NONE \
                and policy.applies(s, action, arn, context):
            return denied(caller, action, arn, RESOURCE_POLICY_DENY, owner)
    if "explicit deny" in identity.reason:
        return denied(caller, action, arn, identity.reason, owner)
    granted = any(s.allows and policy.principal_match(s, caller) is policy.PrincipalMatch.DIRECT
                  and policy.applies(s, action, arn, context) for s in statements)
    if owner == caller.account:
        return None if identity.allowed or granted else denied(caller, action, arn, identity.reason, owner)
    if identity.allowed and granted:
        return None
    reason = identity.reason if not identity.allowed else f"because no resource-based policy allows the {action} action"
    return denied(caller, action, arn, reason, owner)
