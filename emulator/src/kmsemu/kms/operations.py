"""What a KMS request needs permission for: the actions, the keys they act on, and the condition context.

https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

from kmsemu import clock
from kmsemu.iam.evaluate import Check
from kmsemu.iam.principals import Caller
from kmsemu.kms.grants import WITH_CONTEXT

_IAM_ONLY = {
    "CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants", "CreateCustomKeyStore",
    "DescribeCustomKeyStores", "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "DeleteCustomKeyStore",
    "UpdateCustomKeyStore",
}
"""Operations on no particular key: only IAM policies (Resource `*`) can allow them."""

_ALIAS_OPERATIONS = {"CreateAlias": "TargetKeyId", "UpdateAlias": "TargetKeyId", "DeleteAlias": None}

_CONTEXTS = ("EncryptionContext", "SourceEncryptionContext", "DestinationEncryptionContext")


def clean(body: dict[str, Any]) -> dict[str, Any]:
    """The parameters the checks read, wrongly typed ones dropped, so malformed input reaches moto's validation."""
    found: dict[str, Any] = {}
    for name, value in body.items():
        if name in _CONTEXTS:
            ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        elif name in ("Operations", "TagKeys"):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        elif name == "Tags":
            ok = isinstance(value, list) and all(isinstance(t, dict) and isinstance(t.get("TagKey"), str)
                                                 and isinstance(t.get("TagValue", ""), str) for t in value)
        elif name == "PendingWindowInDays":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif name == "Policy":
            ok = isinstance(value, (str, dict))
        elif name in ("BypassPolicyLockoutSafetyCheck", "MultiRegion"):
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if ok:
            found[name] = value
    return found


def kms_backend(account: str, region: str) -> Any:
    """moto's KMS backend for an account and region."""
    from moto.kms.models import kms_backends

    return kms_backends[account][region]


def find_key(account: str, region: str, ref: str | None) -> Any:
    """The key a KeyId names (id, key ARN, alias name or alias ARN), or None when there is none."""
    if not ref:
        return None
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) < 6:
            return None
        region, account, ref = parts[3], parts[4], parts[5]
        ref = ref.split("key/", 1)[1] if ref.startswith("key/") else ref
    try:
        backend = kms_backend(account, region)
    except KeyError:  # an ARN naming a Region KMS does not have (the fuzz found arn:aws:kms:xx:1:key/...)
        return None
    if not ref.startswith("alias/"):
        return backend.keys.get(ref)
    key = next((k for k in list(backend.keys.values()) if ref in k.aliases), None)
    if key is None and ref.startswith("alias/aws/"):
        key = backend.keys.get(backend.get_key_id_from_alias(ref) or "")  # moto makes AWS managed keys on first use
    return key


def ciphertext_key_id(blob: str | None) -> str | None:
    """The key id moto writes in clear at the start of its ciphertext (see moto/kms/utils.py)."""
    from moto.kms.utils import KEY_ID_LEN

    try:
        raw = base64.b64decode(blob or "", validate=True)
        return raw[:KEY_ID_LEN].decode("ascii") if len(raw) > KEY_ID_LEN else None
    except (binascii.Error, ValueError):
        return None


def caller_context(caller: Caller, region: str, via_service: str | None, forwarded: bool = False) -> dict[str, Any]:
    """Global and KMS condition keys that describe the caller and the request's circumstances.

    `forwarded` marks a call a service makes with the caller's identity (a forward access session: CloudFormation's
    calls; S3's, which also name `via_service`), where aws:ViaAWSService is true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_forward_access_sessions.html
    """
    now = clock.now()
    context: dict[str, Any] = {
        "aws:principalarn": caller.principal_arn, "aws:principalaccount": caller.account,
        "aws:principaltype": caller.kind, "aws:securetransport": "false", "aws:requestedregion": region,
        "aws:currenttime": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "aws:epochtime": str(int(now.timestamp())),
        "kms:calleraccount": caller.account, "aws:viaawsservice": str(forwarded or via_service is not None).lower(),
    }
    from kmsemu.organizations.accounts import org_id

    organization = org_id(caller.account)
    if organization:
        context["aws:principalorgid"] = organization
    if caller.kind == "User":
        context["aws:username"] = caller.name
    if caller.user_id:
        context["aws:userid"] = caller.user_id
    for name, value in caller.principal_tags().items():
        context[f"aws:principaltag/{name.lower()}"] = value
    if via_service:
        context["kms:viaservice"] = via_service
    # aws:SourceArn and aws:SourceAccount stay absent: a service calling KMS for its caller (S3's SSE-KMS, a forward
    # access session) acts as that caller, and no emulated service calls KMS as a service principal.
    return context


def key_context(key: Any) -> dict[str, Any]:
    """Condition keys that describe the key acted on."""
    context: dict[str, Any] = {
        "kms:keyspec": key.key_spec, "kms:keyusage": key.key_usage or "ENCRYPT_DECRYPT", "kms:keyorigin": key.origin,
        "kms:multiregion": str(bool(key.multi_region)).lower(), "aws:resourceaccount": key.account_id,
        "kms:resourcealiases": sorted(key.aliases),
    }
    for name, value in kms_backend(key.account_id, key.region).tagger.get_tag_dict_for_resource(key.id).items():
        context[f"aws:resourcetag/{name.lower()}"] = value
    return context


def request_context(body: dict[str, Any], encryption_context: dict[str, str] | None) -> dict[str, Any]:
    """Condition keys taken from the request parameters."""
    context: dict[str, Any] = {}
    if encryption_context is not None:
        for name, value in encryption_context.items():
            context[f"kms:encryptioncontext:{name.lower()}"] = value
        context["kms:encryptioncontextkeys"] = sorted(encryption_context)
    simple = {
        "KeySpec": "kms:keyspec", "KeyUsage": "kms:keyusage", "Origin": "kms:keyorigin",
        "EncryptionAlgorithm": "kms:encryptionalgorithm", "SigningAlgorithm": "kms:signingalgorithm",
        "MacAlgorithm": "kms:macalgorithm", "GranteePrincipal": "kms:granteeprincipal",
        "RetiringPrincipal": "kms:retiringprincipal", "MessageType": "kms:messagetype",
        "KeyPairSpec": "kms:datakeypairspec",
    }
    for param, name in simple.items():
        if isinstance(body.get(param), str):
            context[name] = body[param]
    if "BypassPolicyLockoutSafetyCheck" in body:
        context["kms:bypasspolicylockoutsafetycheck"] = str(bool(body["BypassPolicyLockoutSafetyCheck"])).lower()
    if "MultiRegion" in body:
        context["kms:multiregion"] = str(bool(body["MultiRegion"])).lower()
    if isinstance(body.get("Operations"), list):
        context["kms:grantoperations"] = [str(op) for op in body["Operations"]]
        context["kms:grantisforawsresource"] = "false"
    if isinstance(body.get("Tags"), list):
        for tag in body["Tags"]:
            context[f"aws:requesttag/{tag['TagKey'].lower()}"] = tag.get("TagValue", "")
        context["aws:tagkeys"] = [tag["TagKey"] for tag in body["Tags"]]
    if isinstance(body.get("TagKeys"), list):
        context["aws:tagkeys"] = list(body["TagKeys"])
    if isinstance(body.get("PendingWindowInDays"), int):
        context["kms:schedulekeydeletionpendingwindowindays"] = str(body["PendingWindowInDays"])
    key_id = body.get("KeyId")
    if isinstance(key_id, str) and (key_id.startswith("alias/") or ":alias/" in key_id):
        context["kms:requestalias"] = "alias/" + key_id.split("alias/", 1)[1]
    return context


def _ciphertext_key(account: str, region: str, blob: str | None, named: str | None) -> Any:
    """The key a ciphertext names, in any account (as Decrypt finds it), else the key the request names."""
    from kmsemu.kms.cross_account import by_key_id

    key_id = ciphertext_key_id(blob)
    found = by_key_id(region, key_id, account) if key_id else None
    return found if found is not None else find_key(account, region, named)


def _key_check(action: str, key: Any, base: dict[str, Any], body: dict[str, Any], ec: dict[str, str] | None,
               from_ciphertext: bool = False) -> Check:
    context = {**base, **key_context(key), **request_context(body, ec)}
    return Check(action, key.arn, key, context, ec, from_ciphertext)


def checks(caller: Caller, operation: str, body: dict[str, Any], region: str, via_service: str | None = None,
           forwarded: bool = False) -> list[Check]:
    """Every permission the request needs; a key that does not exist needs none (moto then says NotFound)."""
    base = caller_context(caller, region, via_service, forwarded)
    account = caller.account
    action = f"kms:{operation}"
    if operation in _IAM_ONLY:
        return [Check(action, "*", None, {**base, **request_context(body, None)})]
    if operation == "Decrypt":
        key = _ciphertext_key(account, region, body.get("CiphertextBlob"), body.get("KeyId"))
        return [_key_check(action, key, base, body, body.get("EncryptionContext") or {}, not body.get("KeyId"))] if key else []
    if operation == "ReEncrypt":
        found = []
        source = _ciphertext_key(account, region, body.get("CiphertextBlob"), body.get("SourceKeyId"))
        if source:
            found.append(_key_check("kms:ReEncryptFrom", source, base, {}, body.get("SourceEncryptionContext") or {},
                                    not body.get("SourceKeyId")))
        target = find_key(account, region, body.get("DestinationKeyId"))
        if target:
            found.append(_key_check("kms:ReEncryptTo", target, base, {}, body.get("DestinationEncryptionContext") or {}))
        return found
    if operation in _ALIAS_OPERATIONS:
        return _alias_checks(operation, body, base, account, region)
    key = find_key(account, region, body.get("KeyId"))
    if key is None:
        return []
    ec = (body.get("EncryptionContext") or {}) if operation in WITH_CONTEXT else None
    return [_key_check(action, key, base, body, ec)]


def _alias_checks(operation: str, body: dict[str, Any], base: dict[str, Any], account: str, region: str) -> list[Check]:
    """Alias calls need the permission on the alias (IAM only) and on each key involved (key policy)."""
    alias = str(body.get("AliasName", ""))
    action = f"kms:{operation}"
    found = [Check(action, f"arn:aws:kms:{region}:{account}:{alias}", None, dict(base))]
    keys = [find_key(account, region, alias)] if operation != "CreateAlias" else []
    param = _ALIAS_OPERATIONS[operation]
    if param:
        keys.append(find_key(account, region, body.get(param)))
    found += [_key_check(action, key, base, {}, None) for key in keys if key is not None]
    return found
