"""GetKeyLastUsage: each key's last successful cryptographic operation, and the CloudTrail event that logged it.

Refused and failed calls do not count. Kept on moto's Key object, so deleting the key or a reset forgets it.
https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyLastUsage.html
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

_ATTRIBUTE = "_kmsemu_last_usage"


@dataclass(frozen=True, slots=True)
class LastUsage:
    """One successful cryptographic operation with a key."""

    operation: str
    timestamp: dt.datetime
    cloudtrail_event_id: str
    kms_request_id: str


def note(key: Any, usage: LastUsage) -> None:
    """Remember `usage` as the key's last use."""
    setattr(key, _ATTRIBUTE, usage)


def answer(key: Any) -> dict[str, Any]:
    """The GetKeyLastUsage response for a key (KeyLastUsage is an empty object when it has not been used)."""
    created = float(key.creation_date)
    usage: LastUsage | None = getattr(key, _ATTRIBUTE, None)
    last: dict[str, Any] = {}
    if usage is not None:
        last = {"Operation": usage.operation, "Timestamp": usage.timestamp.timestamp(),
                "CloudTrailEventId": usage.cloudtrail_event_id, "KmsRequestId": usage.kms_request_id}
    return {"KeyId": key.id, "KeyLastUsage": last, "TrackingStartDate": created, "KeyCreationDate": created}
