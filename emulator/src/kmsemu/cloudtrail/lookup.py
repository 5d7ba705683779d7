"""CloudTrail LookupEvents, answered by kmsemu from its own events (moto's LookupEvents fails).

One lookup attribute at most; a time range; MaxResults 1 to 50 (default 50); NextToken valid only with the
parameters that made it; newest first; management events of the last 90 days, in the region called.
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from kmsemu import clock
from kmsemu.cloudtrail.store import Stored, trail
from kmsemu.errors import AwsError

RETENTION = dt.timedelta(days=90)
MAX_RESULTS = 50

_ATTRIBUTES: dict[str, Callable[[Stored, str], bool]] = {
    "EventId": lambda e, v: e.event_id == v,
    "EventName": lambda e, v: e.name == v,
    "ReadOnly": lambda e, v: ("true" if e.read_only else "false") == v,
    "Username": lambda e, v: e.username == v,
    "ResourceType": lambda e, v: any(kind == v for kind, _ in e.resources),
    "ResourceName": lambda e, v: any(name == v for _, name in e.resources),
    "EventSource": lambda e, v: e.source == v,
    "AccessKeyId": lambda e, v: e.access_key_id == v,
}


def _seconds(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    raise AwsError("ValidationException", f"{name} must be a timestamp.")


def _attribute(params: dict[str, Any]) -> tuple[Callable[[Stored, str], bool], str] | None:
    attributes = params.get("LookupAttributes") or []
    if not isinstance(attributes, list):
        raise AwsError("InvalidLookupAttributesException", "LookupAttributes must be a list.")
    if len(attributes) > 1:
        raise AwsError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    if not attributes:
        return None
    only = attributes[0] if isinstance(attributes[0], dict) else {}
    key, value = only.get("AttributeKey"), only.get("AttributeValue")
    if key not in _ATTRIBUTES:
        raise AwsError("InvalidLookupAttributesException", f"{key} is not a valid lookup attribute key; use one of "
                       f"{', '.join(_ATTRIBUTES)}.")
    if not isinstance(value, str) or not value:
        raise AwsError("InvalidLookupAttributesException", "AttributeValue must be between 1 and 2000 characters.")
    return _ATTRIBUTES[key], value


def _fingerprint(params: dict[str, Any]) -> str:
    kept = {k: params.get(k) for k in ("LookupAttributes", "StartTime", "EndTime", "EventCategory")}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _token(sequence: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{sequence}:{fingerprint}".encode()).decode()


def _after(token: Any, fingerprint: str) -> int | None:
    """The sequence number a NextToken continues below, or InvalidNextTokenException."""
    if token is None:
        return None
    try:
        sequence, _, made_for = base64.urlsafe_b64decode(str(token).encode()).decode().partition(":")
        if made_for == fingerprint:
            return int(sequence)
    except (ValueError, UnicodeDecodeError):
        pass
    raise AwsError("InvalidNextTokenException", "Invalid NextToken: it is not one LookupEvents returned for these parameters.")


def _listed(e: Stored) -> dict[str, Any]:
    found: dict[str, Any] = {"EventId": e.event_id, "EventName": e.name, "ReadOnly": "true" if e.read_only else "false"}
    if e.access_key_id:
        found["AccessKeyId"] = e.access_key_id
    found.update(EventTime=e.time, EventSource=e.source, Username=e.username,
                 Resources=[{"ResourceType": kind, "ResourceName": name} for kind, name in e.resources],
                 CloudTrailEvent=e.document)
    return found


def lookup_events(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    """The LookupEvents answer for the caller's account and the region it called."""
    match = _attribute(params)
    start, end = _seconds(params.get("StartTime"), "StartTime"), _seconds(params.get("EndTime"), "EndTime")
    if start is not None and end is not None and start > end:
        raise AwsError("InvalidTimeRangeException", "Start time should not be after end time.")
    limit = params.get("MaxResults", MAX_RESULTS)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_RESULTS:
        raise AwsError("InvalidMaxResultsException", f"MaxResults must be between 1 and {MAX_RESULTS}.")
    category = params.get("EventCategory")
    if category is not None and category != "insight":
        raise AwsError("InvalidEventCategoryException", "EventCategory must be insight.")
    fingerprint = _fingerprint(params)
    below = _after(params.get("NextToken"), fingerprint)
    oldest = (clock.now() - RETENTION).timestamp()
    found: list[Stored] = []
    more = False
    for e in trail(account).newest_first() if category is None else iter(()):
        if (below is not None and e.sequence >= below) or e.region != region or e.time < oldest:
            continue
        if (start is not None and e.time < start) or (end is not None and e.time > end):
            continue
        if match is not None and not match[0](e, match[1]):
            continue
        if len(found) == limit:
            more = True
            break
        found.append(e)
    answer: dict[str, Any] = {"Events": [_listed(e) for e in found]}
    if more:
        answer["NextToken"] = _token(found[-1].sequence, fingerprint)
    return answer
