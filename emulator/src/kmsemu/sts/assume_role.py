"""STS AssumeRole: the role's trust policy and the caller's IAM policies decide, as for any resource policy.

moto issues credentials for any role, even one that does not exist.
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html
"""
from __future__ import annotations

from urllib.parse import parse_qs

from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller, role_by_arn
from kmsemu.kms.operations import caller_context

_NO_TRUST = '{"Statement": []}'


def refusal(caller: Caller, body: bytes, region: str) -> str | None:
    """The AccessDenied message when an STS request is an AssumeRole the caller may not make, else None."""
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    if form.get("Action") != "AssumeRole":
        return None
    role_arn = form.get("RoleArn", "")
    role = role_by_arn(role_arn)
    context = caller_context(caller, region, None)
    for name in ("ExternalId", "RoleSessionName"):
        if name in form:
            context[f"sts:{name.lower()}"] = form[name]
    from kmsemu.sts.session_tags import requested

    tags = requested(form)
    if tags:
        context.update({f"aws:requesttag/{k.lower()}": v for k, v in tags.items()}, **{"aws:tagkeys": list(tags)})
    trust = role.assume_role_policy_document if role else _NO_TRUST
    for action in ("sts:AssumeRole", "sts:TagSession") if tags else ("sts:AssumeRole",):
        check = Check(action, role_arn, None, context)
        decision = decide(caller, check, key_policy=trust, use_grants=False)
        if not decision.allowed:
            return decision.message(caller, check)
    return None
