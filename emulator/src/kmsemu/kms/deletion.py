"""Key deletion on the emulator clock: the 7-30 day window, and keys that are really gone once it passes.

https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kmsemu import clock
from kmsemu.errors import AwsError
from kmsemu.patches import replace

MIN_WINDOW_DAYS, MAX_WINDOW_DAYS, DEFAULT_WINDOW_DAYS = 7, 30, 30


def naive_now() -> dt.datetime:
    """The emulator clock as the naive UTC datetime moto's models use."""
    return clock.now().replace(tzinfo=None)


def install() -> None:
    """Make moto date ScheduleKeyDeletion by the emulator clock (moto.kms.models calls utcnow() there)."""
    import moto.kms.models as models

    replace(models, "utcnow", lambda original: naive_now)


def check_window(params: dict[str, Any]) -> None:
    """ValidationException unless PendingWindowInDays is absent or 7-30, as AWS requires."""
    days = params.get("PendingWindowInDays")
    if days is None:
        return
    if days < MIN_WINDOW_DAYS:
        bound = f"greater than or equal to {MIN_WINDOW_DAYS}"
    elif days > MAX_WINDOW_DAYS:
        bound = f"less than or equal to {MAX_WINDOW_DAYS}"
    else:
        return
    raise AwsError(
        "ValidationException",
        f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: "
        f"Member must have value {bound}",
    )


def all_kms_backends() -> Iterator[Any]:
    """Every moto KMS backend that exists (never creates one)."""
    from moto.kms.models import kms_backends

    for account in list(dict.values(kms_backends)):
        yield from list(dict.values(account))


def schedule(backend: Any, key: Any, days: int) -> None:
    """Put a key into PendingDeletion for `days` days of emulator time (as ScheduleKeyDeletion does)."""
    backend.schedule_key_deletion(key.id, days)


def sweep(now: dt.datetime | None = None) -> int:
    """Delete every key whose deletion date has passed on the emulator clock; return how many went."""
    now = now or naive_now()
    gone = 0
    for backend in all_kms_backends():
        for key in list(backend.keys.values()):
            if key.key_state == "PendingDeletion" and key.deletion_date is not None and key.deletion_date <= now:
                backend.delete_key(key.id)  # its aliases live on the key and go with it, as on AWS
                gone += 1
    return gone
