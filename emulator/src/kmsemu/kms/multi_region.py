"""Multi-Region keys: mrk- ids, replicas sharing the primary's key material, primary changes and deletion rules.

A replica is a key of its own in its Region (its own policy, tags, aliases, grants and state) with the primary's
key id and key material, so ciphertext made in one Region decrypts in another.
https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.kms import extras, key_metadata, rotation
from kmsemu.patches import replace

_ATTRIBUTE = "_kmsemu_mrk"
SHARED_ATTRIBUTES = ("_kmsemu_key_pair", "_kmsemu_hmac_ready")
"""What a replica shares with its primary besides key_material: the key pair, HMAC material readiness."""


@dataclass
class KeySet:
    """One multi-Region key: which Region holds the primary, which hold replicas, and a pending primary deletion."""

    primary: str
    replicas: list[str] = field(default_factory=list)
    deletion_window_days: int | None = None


def key_set(key: Any) -> KeySet | None:
    """The multi-Region key set a moto Key belongs to (made on first use for a new primary), or None."""
    if not key.multi_region:
        return None
    found = getattr(key, _ATTRIBUTE, None)
    if found is None:
        found = KeySet(primary=key.region)
        setattr(key, _ATTRIBUTE, found)
    return found


def is_replica(key: Any) -> bool:
    """Whether the key is a replica (not the primary) of a multi-Region key."""
    found = key_set(key)
    return found is not None and found.primary != key.region


def _arn(key: Any, region: str) -> str:
    return f"arn:aws:kms:{region}:{key.account_id}:key/{key.id}"


def _backend(key: Any, region: str) -> Any:
    from moto.kms.models import kms_backends

    return kms_backends[key.account_id][region]


def members(key: Any) -> list[Any]:
    """Every key of the key's multi-Region set that still exists (primary first)."""
    found = key_set(key)
    if found is None:
        return [key]
    keys = [_backend(key, region).keys.get(key.id) for region in [found.primary, *found.replicas]]
    return [k for k in keys if k is not None]


def replicate_key(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """ReplicateKey: a replica in ReplicaRegion with its own policy, description and tags."""
    found = key_set(key)
    region = params.get("ReplicaRegion", "")
    if found is None:
        raise AwsError("UnsupportedOperationException", f"{key.arn} is not a multi-Region key.")
    if found.primary != key.region:
        raise AwsError("UnsupportedOperationException", f"{key.arn} is not a multi-Region primary key.")
    if region == key.region or region in found.replicas:
        raise AwsError("AlreadyExistsException", f"A key with id {key.id} already exists in {region}.")
    from moto.kms.models import kms_backends

    if region not in kms_backends[key.account_id].regions:
        raise AwsError("ValidationException", f"{region} is not a valid AWS Region for KMS.")
    target = _backend(key, region)
    replica = target.create_key(params.get("Policy"), key.key_usage, key.key_spec, params.get("Description", ""), None,
                                True, key.origin)
    target.keys.pop(replica.id)
    replica.id, replica.arn = key.id, _arn(key, region)
    replica.policy = params.get("Policy") or replica.generate_default_policy()
    target.keys[key.id] = replica
    if params.get("Tags"):
        target.tagger.tag_resource(key.id, params["Tags"])
    if key.origin != "EXTERNAL":  # imported material is imported into each replica
        replica.key_material = key.key_material
        for name in SHARED_ATTRIBUTES:
            if hasattr(key, name):
                setattr(replica, name, getattr(key, name))
    if key.origin != "EXTERNAL":  # earlier materials and rotation schedule are shared; imported ones are each key's own
        setattr(replica, extras._ATTRIBUTE, extras.extras(key))
    replica.rotations = key.rotations
    found.replicas.append(region)
    setattr(replica, _ATTRIBUTE, found)
    return {"ReplicaKeyMetadata": replica.to_dict()["KeyMetadata"], "ReplicaPolicy": replica.policy,
            "ReplicaTags": params.get("Tags") or []}


def update_primary_region(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """UpdatePrimaryRegion: the replica in PrimaryRegion becomes the primary, the old primary a replica."""
    found = key_set(key)
    region = params.get("PrimaryRegion", "")
    if found is None or found.primary != key.region:
        raise AwsError("UnsupportedOperationException", f"{key.arn} is not a multi-Region primary key.")
    if region not in found.replicas:
        raise AwsError("NotFoundException", f"Key '{_arn(key, region)}' does not exist")
    found.replicas.remove(region)
    found.replicas.append(found.primary)
    found.primary = region
    return {}


def check_operation(key: Any, op: str) -> None:
    """UnsupportedOperationException for what only the primary of a multi-Region key does (rotation)."""
    if op in ("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand") and is_replica(key):
        raise AwsError("UnsupportedOperationException", f"{key.arn} is a multi-Region replica key; manage rotation "
                       "on its primary key.")


def schedule_primary_deletion(key: Any, days: int) -> dict[str, Any] | None:
    """A primary with replicas waits in PendingReplicaDeletion; None when the usual deletion applies."""
    found = key_set(key)
    if found is None or found.primary != key.region or len(members(key)) < 2:
        return None
    found.deletion_window_days = days
    key.key_state, key.enabled = "PendingReplicaDeletion", False
    return {"KeyId": key.arn, "KeyState": "PendingReplicaDeletion", "PendingWindowInDays": days}


def cancel_primary_deletion(key: Any) -> bool:
    """CancelKeyDeletion of a primary waiting for its replicas' deletion; False when it is not waiting."""
    found = key_set(key)
    if found is None or key.key_state != "PendingReplicaDeletion":
        return False
    found.deletion_window_days = None
    key.key_state = "Disabled"
    return True


def sweep(backends: Any) -> int:
    """Forget deleted replicas; a primary whose last replica is gone starts its own deletion window."""
    started = 0
    for backend in backends:
        for key in list(backend.keys.values()):
            found = getattr(key, _ATTRIBUTE, None)
            if found is None or found.primary != key.region:
                continue
            found.replicas = [r for r in found.replicas if key.id in _backend(key, r).keys]
            if key.key_state == "PendingReplicaDeletion" and not found.replicas:
                backend.schedule_key_deletion(key.id, found.deletion_window_days or 30)
                started += 1
    return started


def _after_rotation(key: Any) -> None:
    """Every replica takes the primary's new key material."""
    for twin in members(key):
        twin.key_material = key.key_material


def _metadata(key: Any, found: dict[str, Any]) -> None:
    """MultiRegionConfiguration as AWS shows it on a primary and on each replica."""
    mrk = key_set(key)
    if mrk is None:
        return
    found["MultiRegionConfiguration"] = {
        "MultiRegionKeyType": "PRIMARY" if mrk.primary == key.region else "REPLICA",
        "PrimaryKey": {"Arn": _arn(key, mrk.primary), "Region": mrk.primary},
        "ReplicaKeys": [{"Arn": _arn(key, r), "Region": r} for r in mrk.replicas],
    }
    if key.key_state == "PendingReplicaDeletion":
        found["PendingDeletionWindowInDays"] = mrk.deletion_window_days


def _mrk_id(original: Any) -> Any:
    def generate_key_id(multi_region: bool = False) -> str:
        if not multi_region:
            return str(original(False))
        from moto.moto_api._internal import mock_random

        return "mrk-" + mock_random.uuid4().hex  # AWS: mrk- and 32 hex digits, which fits moto's ciphertext header

    return generate_key_id


_AWS_MRK_ID = re.compile(r"^mrk-[0-9a-f]{32}$")


def _accept_mrk_ids(original: Any) -> Any:
    def _validate_cmk_id(self: Any, key_id: str) -> None:
        if _AWS_MRK_ID.match(key_id) and key_id in self.kms_backend.keys:
            return  # moto's own pattern expects mrk- before a dashed UUID
        original(self, key_id)

    return _validate_cmk_id


def install() -> None:
    """mrk- ids as AWS makes them (moto.kms.models.generate_key_id, accepted by KmsResponse._validate_cmk_id),
    and the metadata and rotation hooks."""
    import moto.kms.models as models
    from moto.kms.responses import KmsResponse

    replace(models, "generate_key_id", _mrk_id)
    replace(KmsResponse, "_validate_cmk_id", _accept_mrk_ids)
    if _metadata not in key_metadata.extra_metadata:
        key_metadata.extra_metadata.append(_metadata)
    if _after_rotation not in rotation.AFTER_ROTATE:
        rotation.AFTER_ROTATE.append(_after_rotation)
