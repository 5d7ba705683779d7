"""Key rotation with real new key material: on demand, and automatically when the emulator clock says so.

https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kmsemu import clock
from kmsemu.errors import AwsError
from kmsemu.kms.extras import extras, peek
from kmsemu.patches import original, replace

DEFAULT_PERIOD_DAYS = 365
_MAX_CATCH_UP = 64  # rotations applied in one sweep after a very large clock jump

AFTER_ROTATE: list[Callable[[Any], None]] = []
"""Called with each key once it has new key material (multi-Region replicas take it too)."""

class _Material:
    """Stands in for a moto Key in moto's decrypt(), carrying one earlier key material."""

    def __init__(self, material: bytes) -> None:
        self.key_material = material


def _decrypt_with_earlier_material(master_keys: dict[str, Any], ciphertext_blob: bytes, encryption_context: dict[str, str]) -> tuple[bytes, str]:
    """moto's decrypt, retried with each earlier key material, as AWS keeps every version of a rotated key."""
    import moto.kms.models as models
    from moto.kms.exceptions import InvalidCiphertextException
    from moto.kms.utils import KEY_ID_LEN

    decrypt = original(models, "decrypt")
    try:
        return decrypt(master_keys, ciphertext_blob, encryption_context)
    except InvalidCiphertextException:
        key_id = ciphertext_blob[:KEY_ID_LEN].decode("ascii", "replace")
        key = master_keys.get(key_id)
        for material in reversed(extras(key).earlier_materials if key is not None else []):
            try:
                return decrypt({key_id: _Material(material)}, ciphertext_blob, encryption_context)
            except InvalidCiphertextException:
                continue
        raise


def install() -> None:
    """Route moto's KMS decrypt through the earlier-material fallback (moto.kms.models imports decrypt by name)."""
    import moto.kms.models as models

    replace(models, "decrypt", lambda original: _decrypt_with_earlier_material)


def check_rotatable(key: Any, op: str) -> None:
    """UnsupportedOperationException for keys AWS cannot rotate: asymmetric, HMAC, and imported material automatically.

    A symmetric key with imported material rotates on demand only, to new material imported for it (key_materials).
    """
    on_demand_external = op == "RotateKeyOnDemand" and key.origin == "EXTERNAL"
    if key.key_spec != "SYMMETRIC_DEFAULT" or (key.origin != "AWS_KMS" and not on_demand_external):
        raise AwsError(
            "UnsupportedOperationException", f"{key.arn} key type does not support automatic key rotation."
        )


def enable(key: Any, period_days: int | None) -> None:
    """Turn on automatic rotation: the next rotation is one period from now."""
    state = extras(key)
    state.rotation_period_days = period_days or state.rotation_period_days or DEFAULT_PERIOD_DAYS
    state.next_rotation = clock.now() + dt.timedelta(days=state.rotation_period_days)
    key.key_rotation_status = True


def disable(key: Any) -> None:
    """Turn off automatic rotation."""
    extras(key).next_rotation = None
    key.key_rotation_status = False


def rotate(key: Any, rotation_type: str, when: dt.datetime | None = None) -> None:
    """Give the key new key material, keeping the old for decryption, and record the rotation."""
    from moto.kms.utils import generate_master_key

    when = when or clock.now()
    extras(key).earlier_materials.append(key.key_material)
    key.key_material = generate_master_key()
    key.rotations.append({"KeyId": key.id, "RotationDate": when.timestamp(), "RotationType": rotation_type})
    for hook in AFTER_ROTATE:
        hook(key)


def status(key: Any) -> dict[str, Any]:
    """The extra fields AWS's GetKeyRotationStatus reports."""
    state = extras(key)
    if not key.key_rotation_status or state.next_rotation is None:
        return {"KeyId": key.arn, "KeyRotationEnabled": False}
    return {
        "KeyId": key.arn, "KeyRotationEnabled": True, "RotationPeriodInDays": state.rotation_period_days,
        "NextRotationDate": state.next_rotation.timestamp(),
    }


def sweep(backends: Any, now: dt.datetime | None = None) -> int:
    """Rotate every enabled key whose next rotation date has passed on the emulator clock; return how many."""
    now = now or clock.now()
    done = 0
    for backend in backends:
        for key in list(backend.keys.values()):
            state = peek(key)
            if state is None or state.next_rotation is None or not key.key_rotation_status:
                continue
            for _ in range(_MAX_CATCH_UP):
                if key.key_state != "Enabled" or state.next_rotation > now:
                    break
                rotate(key, "AUTOMATIC", state.next_rotation)
                state.next_rotation += dt.timedelta(days=state.rotation_period_days)
                done += 1
    return done
