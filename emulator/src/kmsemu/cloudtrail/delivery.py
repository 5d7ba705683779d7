"""Trails: a logging trail delivers its events to its S3 bucket as gzipped JSON log files, under AWS's key layout.

`<prefix>/AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz`
holding `{"Records": [...]}`. AWS delivers about every 5 minutes; the emulator delivers what is due whenever
someone reads the trail's bucket, so a learner sees the files at once. A single-Region trail takes its Region's
events and, with IncludeGlobalServiceEvents, IAM's; a multi-Region trail takes every Region's.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
"""
from __future__ import annotations

import gzip
import json
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Any

from kmsemu import clock
from kmsemu.cloudtrail import store

_ATTRIBUTE = "_kmsemu_delivery"
_GLOBAL_SOURCES = frozenset({"iam.amazonaws.com"})
_ALPHABET = string.ascii_letters + string.digits
_lock = threading.Lock()
_buckets: set[tuple[str, str]] = set()
"""(account, bucket) of every trail that ever logged: S3 requests to other buckets skip delivery at once."""


@dataclass
class Delivery:
    """Which of the account's events (by sequence number) a trail logs, and how far it has delivered."""

    since: int
    until: int | None = None
    delivered: int = 0


def _trails(account: str) -> list[Any]:
    from moto.cloudtrail.models import cloudtrail_backends

    return [t for backend in list(cloudtrail_backends[account].values()) for t in list(backend.trails.values())]


def logging_changed(account: str, region: str, name: str, logging: bool) -> None:
    """StartLogging (from the next event on) or StopLogging (up to the last event) on a trail."""
    from moto.cloudtrail.models import cloudtrail_backends

    trail = cloudtrail_backends[account][region].get_trail(name)
    latest = store.latest(account)
    state: Delivery | None = getattr(trail, _ATTRIBUTE, None)
    if logging:
        setattr(trail, _ATTRIBUTE, Delivery(latest, None, max(latest, state.delivered if state else 0)))
        with _lock:
            _buckets.add((account, str(trail.bucket_name)))
    elif state is not None:
        state.until = latest


def _wanted(trail: Any, stored: store.Stored) -> bool:
    if trail.is_multi_region or stored.region == trail.region_name:
        return True
    return bool(trail.include_global_service_events) and stored.source in _GLOBAL_SOURCES


def deliver_to(bucket: str) -> None:
    """Write the log files that are due for every trail delivering to `bucket` (in whichever account)."""
    accounts = [account for account, name in list(_buckets) if name == bucket]
    if not accounts:
        return
    with _lock:
        for account in accounts:
            for trail in _trails(account):
                state: Delivery | None = getattr(trail, _ATTRIBUTE, None)
                if state is not None and trail.bucket_name == bucket:
                    _deliver(trail, state)


def _deliver(trail: Any, state: Delivery) -> None:
    from moto.s3.models import s3_backends

    start = max(state.since, state.delivered)
    due = [s for s in store.trail(trail.account_id).newest_first()
           if s.sequence > start and (state.until is None or s.sequence <= state.until) and _wanted(trail, s)]
    if not due:
        return
    by_region: dict[str, list[str]] = {}
    for stored in reversed(due):
        by_region.setdefault(stored.region, []).append(stored.document)
    now = clock.now()
    prefix = f"{trail.s3_key_prefix.strip('/')}/" if trail.s3_key_prefix else ""
    backend = s3_backends[trail.account_id]["aws"]
    for region, documents in by_region.items():
        name = (f"{prefix}AWSLogs/{trail.account_id}/CloudTrail/{region}/{now:%Y/%m/%d}/{trail.account_id}_CloudTrail_"
                f"{region}_{now:%Y%m%dT%H%MZ}_{''.join(secrets.choice(_ALPHABET) for _ in range(16))}.json.gz")
        body = '{"Records":[' + ",".join(documents) + "]}"
        backend.put_object(trail.bucket_name, name, gzip.compress(body.encode()))
    state.delivered = max(s.sequence for s in due)


def records(data: bytes) -> list[dict[str, Any]]:
    """The events of one delivered log file (for tests and lessons)."""
    return list(json.loads(gzip.decompress(data))["Records"])
