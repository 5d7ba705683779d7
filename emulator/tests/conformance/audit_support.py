"""Helpers for the test_audit_* conformance tests: find a call's CloudTrail event with LookupEvents.

On the emulator an event can be looked up as soon as the call is answered. On AWS, CloudTrail delivers
management events to LookupEvents in about 5 minutes (up to 15), so `logged` polls there for up to
AWS_DELIVERY_SECONDS: those tests are slow on a real account, never skipped.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

AWS_DELIVERY_SECONDS = 20 * 60
"""How long the suite waits on AWS for an event to appear in LookupEvents."""


def events(cloudtrail: Any, key: str, value: str, since: dt.datetime | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Every event (CloudTrailEvent parsed, as `event`, beside the listed fields) matching one lookup attribute."""
    args: dict[str, Any] = {"LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}], **extra}
    if since is not None:
        args["StartTime"] = since
    found = []
    for page in cloudtrail.get_paginator("lookup_events").paginate(**args):
        found += [{**listed, "event": json.loads(listed["CloudTrailEvent"])} for listed in page["Events"]]
    return found


def logged(course: Any, key: str, value: str, match: Callable[[dict[str, Any]], bool],
           since: dt.datetime | None = None, count: int = 1, cloudtrail: Any = None) -> list[dict[str, Any]]:
    """The `count` events matching `match` among those LookupEvents finds by one attribute (waiting on AWS);
    `cloudtrail` looks in another account (a client acting there) instead of the suite's."""
    cloudtrail = cloudtrail or course.client("cloudtrail")
    deadline = time.monotonic() + (AWS_DELIVERY_SECONDS if course.backend == "aws" else 0)
    while True:
        found = [e for e in events(cloudtrail, key, value, since) if match(e["event"])]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, f"LookupEvents by {key}={value} found {len(found)} matching events, wanted {count}"
            return found
        time.sleep(30)


def started(course: Any) -> dt.datetime:
    """A moment just before the test's first call, to narrow lookups to its own events."""
    return course.now() - dt.timedelta(seconds=2)


def request_id(answer: dict[str, Any]) -> str:
    """The request id the caller saw, which the event's requestID repeats."""
    return str(answer["ResponseMetadata"]["RequestId"])
