"""Every access check a KMS call must pass before moto sees it, with the error KMS would give."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kmsemu.iam.evaluate import Check, decide
from kmsemu.iam.principals import Caller
from kmsemu.kms import grants, lockout, operations


@dataclass(frozen=True)
class Refusal:
    """The KMS error code and message for a refused call."""

    code: str
    message: str


def authorize(caller: Caller, operation: str, body: dict[str, Any], region: str, via_service: str | None = None,
              forwarded: bool = False) -> Refusal | None:
    """None when the caller may make this KMS call, else the refusal; `via_service` (S3's kms:ViaService) and
    `forwarded` (CloudFormation) mark calls a service makes with the caller's identity."""
    body = operations.clean(body)
    if operation == "RetireGrant":
        return _retire(caller, body, region)
    if operation == "CreateGrant":
        bad = grants.invalid_operations([str(op) for op in body.get("Operations") or []])
        if bad:
            return Refusal("ValidationException", (
                f"1 validation error detected: Value '{bad}' at 'operations' failed to satisfy constraint: Member must "
                f"satisfy constraint: [Member must satisfy enum value set: [{', '.join(grants.OPERATIONS)}]]"
            ))
    for check in operations.checks(caller, operation, body, region, via_service, forwarded):
        decision = decide(caller, check)
        if not decision.allowed:
            return Refusal("AccessDeniedException", decision.message(caller, check))
    if operation in ("CreateKey", "PutKeyPolicy") and body.get("Policy") is not None:
        return _new_policy(caller, operation, body, region)
    return None


def _new_policy(caller: Caller, operation: str, body: dict[str, Any], region: str) -> Refusal | None:
    """Run the lockout safety check on the policy a CreateKey or PutKeyPolicy call would set."""
    if operation == "PutKeyPolicy":
        key = operations.find_key(caller.account, region, body.get("KeyId"))
        if key is None:
            return None
        arn, context = key.arn, operations.key_context(key)
    else:
        arn, context = f"arn:aws:kms:{region}:{caller.account}:key/*", {}
    context = {**operations.caller_context(caller, region, None), **context, **operations.request_context(body, None)}
    message = lockout.problem(caller, body["Policy"], arn, context, bool(body.get("BypassPolicyLockoutSafetyCheck")))
    return Refusal("MalformedPolicyDocumentException", message) if message else None


def _retire(caller: Caller, body: dict[str, Any], region: str) -> Refusal | None:
    """The retiring principal and a grantee with RetireGrant may retire; anyone else needs kms:RetireGrant."""
    token = body.get("GrantToken")
    if token:
        found = grants.by_token(list(operations.kms_backend(caller.account, region).keys.values()), token)
    else:
        key = operations.find_key(caller.account, region, body.get("KeyId"))
        grant = key.grants.get(body.get("GrantId", "")) if key is not None else None
        found = (key, grant) if grant is not None else None
    if found is None:
        return None  # moto reports the missing grant
    key, grant = found
    if grants.may_retire(grant, caller):
        return None
    check = Check("kms:RetireGrant", key.arn, key, {
        **operations.caller_context(caller, region, None), **operations.key_context(key),
    })
    decision = decide(caller, check)
    return None if decision.allowed else Refusal("AccessDeniedException", decision.message(caller, check))


def authorize_request(request: Any, caller: Caller) -> Any:
    """The pipeline's KMS step: this call's permission checks, as an AwsError (JSON) when refused."""
    from kmsemu.errors import AwsError

    refusal = authorize(caller, request.operation or "", request.json(), request.region or "us-east-1")
    return AwsError(refusal.code, refusal.message, 400) if refusal is not None else None
