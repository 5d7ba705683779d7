"""Where events are kept: a bounded ring per account, on moto's CloudTrail backend, so a reset forgets them.

Each event is kept once, as the JSON text LookupEvents returns in CloudTrailEvent, with the few fields its
lookup attributes match on. The ring holds the last MAX_EVENTS events of the account (every region);
LookupEvents shows those of the last 90 days on the emulator clock.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kmsemu.cloudtrail.identity import username

MAX_EVENTS = 10_000
"""Events kept per account; older ones drop out first (lesson-scale use stays far below this)."""
_ATTRIBUTE = "_kmsemu_trail"
_HOLDER_REGION = "us-east-1"
_lock = threading.Lock()
_sequence = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Stored:
    """One recorded event: the fields LookupEvents filters and lists, and the event's JSON text."""

    sequence: int
    time: float
    region: str
    event_id: str
    name: str
    source: str
    read_only: bool
    access_key_id: str
    username: str
    resources: tuple[tuple[str, str], ...]
    """(type, ARN) of each resource."""
    document: str


class Trail:
    """An account's events, newest last, bounded."""

    def __init__(self, size: int = MAX_EVENTS) -> None:
        self.events: deque[Stored] = deque(maxlen=size)
        self.lock = threading.Lock()

    def add(self, stored: Stored) -> None:
        """Keep one event (the oldest drops out when the ring is full)."""
        with self.lock:
            self.events.append(stored)

    def newest_first(self) -> Iterator[Stored]:
        """A snapshot of the events, newest first."""
        with self.lock:
            snapshot = list(self.events)
        return reversed(snapshot)


def latest(account: str) -> int:
    """The sequence number of the account's newest event (0 when it has none)."""
    ring = trail(account)
    with ring.lock:
        return ring.events[-1].sequence if ring.events else 0


def trail(account: str) -> Trail:
    """The account's trail (made on first use), kept on moto's CloudTrail backend."""
    from moto.cloudtrail.models import cloudtrail_backends

    holder = cloudtrail_backends[account][_HOLDER_REGION]
    found = getattr(holder, _ATTRIBUTE, None)
    if found is None:
        with _lock:
            found = getattr(holder, _ATTRIBUTE, None)
            if found is None:
                found = Trail()
                setattr(holder, _ATTRIBUTE, found)
    return found


def _intern(text: Any) -> str:
    return sys.intern(str(text or ""))


def keep(event: dict[str, Any], moment: dt.datetime) -> Stored:
    """Store an event, made at `moment` (emulator clock), in its recipient account's trail."""
    stored = Stored(
        next(_sequence), float(int(moment.timestamp())), _intern(event["awsRegion"]), event["eventID"], _intern(event["eventName"]),
        _intern(event["eventSource"]), bool(event["readOnly"]), _intern(event["userIdentity"].get("accessKeyId")),
        _intern(username(event["userIdentity"])),
        tuple((_intern(r.get("type")), str(r.get("ARN", ""))) for r in event.get("resources", [])),
        json.dumps(event, separators=(",", ":")),
    )
    trail(event["recipientAccountId"]).add(stored)
    return stored
