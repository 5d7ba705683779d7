"""AWS::KMS::Key and ::Alias in CloudFormation as AWS runs them: object policies, Tags, updates, deletion by schedule.

Changing KeySpec, KeyUsage, Origin or MultiRegion of an existing key fails the update, whatever the
UpdateReplacePolicy, so a template edit can never delete a key by replacing it; the stack rolls back.

https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-alias.html
"""
from __future__ import annotations

import json
from typing import Any

from kmsemu.cloudformation.as_caller import ResourceRefused, check, check_new_alias
from kmsemu.kms import deletion, rotation
from kmsemu.kms.extras import extras
from kmsemu.patches import replace

# Properties a key keeps for life: a stack update that changes one fails (AWS::KMS::Key, "Important").
_IMMUTABLE = ("KeySpec", "KeyUsage", "Origin", "MultiRegion")


def _flag(value: Any, default: bool) -> bool:
    """A CloudFormation boolean, which may arrive as a string from a parameter."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _policy(value: Any) -> str | None:
    """KeyPolicy as the JSON text KMS stores; templates may write it as a YAML or JSON object."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _kms_tags(tags: Any) -> list[dict[str, str]]:
    """CloudFormation's Key/Value tags in KMS's TagKey/TagValue shape."""
    return [{"TagKey": str(t["Key"]), "TagValue": str(t.get("Value", ""))} for t in tags or [] if "Key" in t]


def _apply_mutable(backend: Any, key: Any, props: dict[str, Any]) -> None:
    """Set the properties an update changes in place: description, policy, tags, state, rotation, window."""
    key.description = props.get("Description") or ""
    if props.get("KeyPolicy") is not None:
        key.policy = _policy(props["KeyPolicy"])
    backend.tagger.delete_all_tags_for_resource(key.id)
    if props.get("Tags"):
        backend.tagger.tag_resource(key.id, _kms_tags(props["Tags"]))
    if key.key_state != "PendingDeletion":
        enabled = _flag(props.get("Enabled"), True)
        key.enabled, key.key_state = enabled, "Enabled" if enabled else "Disabled"
    if _flag(props.get("EnableKeyRotation"), False):
        period = props.get("RotationPeriodInDays")
        rotation.enable(key, int(period) if period is not None else None)
    else:
        rotation.disable(key)
    extras(key).cfn_pending_window_days = int(props.get("PendingWindowInDays", deletion.DEFAULT_WINDOW_DAYS))


def create_key(resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    """Create the key a template describes."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account_id][region_name]
    props = cloudformation_json.get("Properties") or {}
    check("CreateKey", {
        "Policy": _policy(props.get("KeyPolicy")), "Description": props.get("Description"),
        "KeyUsage": props.get("KeyUsage"), "KeySpec": props.get("KeySpec"), "Origin": props.get("Origin"),
        "BypassPolicyLockoutSafetyCheck": _flag(props.get("BypassPolicyLockoutSafetyCheck"), False) or None,
        "Tags": _kms_tags(props.get("Tags")) or None,
    }, region_name)
    key = backend.create_key(
        policy=_policy(props.get("KeyPolicy")),
        key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
        key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
        description=props.get("Description") or "",
        tags=None,
        multi_region=_flag(props.get("MultiRegion"), False),
        origin=props.get("Origin", "AWS_KMS"),
    )
    _apply_mutable(backend, key, props)
    return key


def update_key(original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
    """Update the key in place; refuse a change to a property the key keeps for life (the stack then rolls back)."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account_id][region_name]
    props = cloudformation_json.get("Properties") or {}
    old = {"KeySpec": original_resource.key_spec, "KeyUsage": original_resource.key_usage,
           "Origin": original_resource.origin, "MultiRegion": original_resource.multi_region}
    new = {"KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"), "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
           "Origin": props.get("Origin", "AWS_KMS"), "MultiRegion": _flag(props.get("MultiRegion"), False)}
    changed = [name for name in _IMMUTABLE if old[name] != new[name]]
    if changed:
        # The emulator's wording; AWS documents the failure, not its message.
        raise ResourceRefused("InvalidRequest", (
            f"{', '.join(changed)} of KMS key {original_resource.id} cannot be changed after the key is created "
            f"({', '.join(f'{name} {old[name]} -> {new[name]}' for name in changed)}); to use another key, "
            "add a new AWS::KMS::Key resource with its own logical ID"))
    new_policy = _policy(props.get("KeyPolicy"))
    if new_policy is not None and new_policy != original_resource.policy:
        check("PutKeyPolicy", {
            "KeyId": original_resource.id, "PolicyName": "default", "Policy": new_policy,
            "BypassPolicyLockoutSafetyCheck": _flag(props.get("BypassPolicyLockoutSafetyCheck"), False) or None,
        }, region_name)
    _apply_mutable(backend, original_resource, props)
    return original_resource


def delete_key(key: Any, account_id: str, region_name: str) -> None:
    """Stack deletion schedules the key's deletion after PendingWindowInDays (default 30), as AWS does."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account_id][region_name]
    if key.id in backend.keys and key.key_state != "PendingDeletion":
        deletion.schedule(backend, key, extras(key).cfn_pending_window_days)


def update_alias(original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Any:
    """A new AliasName replaces the alias (AWS: "Update requires: Replacement"); a new TargetKeyId retargets it."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account_id][region_name]
    props = cloudformation_json.get("Properties") or {}
    if props["AliasName"] != original_resource.alias_name:
        replacement = create_alias(new_resource_name, cloudformation_json, account_id, region_name)
        backend.delete_alias(original_resource.alias_name)
        return replacement
    check("UpdateAlias", {"AliasName": props["AliasName"], "TargetKeyId": props["TargetKeyId"]}, region_name)
    return backend.update_alias(target_key_id=props["TargetKeyId"], alias_name=props["AliasName"])


def create_alias(resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
    """Create the alias after the checks KMS's CreateAlias makes (name, reserved prefix, free name, real key)."""
    from moto.kms.models import kms_backends

    backend = kms_backends[account_id][region_name]
    props = cloudformation_json.get("Properties") or {}
    check_new_alias(backend, props["AliasName"], props["TargetKeyId"], region_name)
    return backend.create_alias(target_key_id=props["TargetKeyId"], alias_name=props["AliasName"])


def install() -> None:
    """Replace moto's AWS::KMS::Key create, update and delete, and AWS::KMS::Alias create and update."""
    from moto.kms.models import Alias, Key

    def handler(function: Any) -> Any:
        return lambda original: classmethod(lambda cls, *args, **kwargs: function(*args, **kwargs))

    replace(Alias, "create_from_cloudformation_json", handler(create_alias))
    replace(Alias, "update_from_cloudformation_json", handler(update_alias))
    replace(Key, "create_from_cloudformation_json", handler(create_key))
    replace(Key, "update_from_cloudformation_json", handler(update_key))
    replace(Key, "delete", lambda original: lambda self, account_id, region_name: delete_key(self, account_id, region_name))
