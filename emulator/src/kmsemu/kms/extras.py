"""Course-owned state kept on moto's Key objects, so a moto reset forgets it together with the key."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

_ATTRIBUTE = "_kmsemu"


@dataclass
class KeyExtras:
    """What AWS tracks for a key that moto does not: rotation schedule, earlier key material, CFN deletion window."""

    rotation_period_days: int = 365
    next_rotation: dt.datetime | None = None
    earlier_materials: list[bytes] = field(default_factory=list)
    cfn_pending_window_days: int = 30


def extras(key: Any) -> KeyExtras:
    """The course's extra state for a moto Key (created on first use)."""
    value = getattr(key, _ATTRIBUTE, None)
    if value is None:
        value = KeyExtras()
        setattr(key, _ATTRIBUTE, value)
    return value


def peek(key: Any) -> KeyExtras | None:
    """The course's extra state for a moto Key, or None when it has none yet."""
    return getattr(key, _ATTRIBUTE, None)
