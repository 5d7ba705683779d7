"""Before deleting a key: its state, and the signs that something still depends on it.

https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-determining-usage.html
"""
from __future__ import annotations

from typing import Any

from . import audit
from .course import Course
from .show import markdown_table


def state(course: Course, key_id: str) -> str:
    """The key's KeyState as KMS reports it now."""
    return str(course.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])


def signals(course: Course, key_id: str) -> list[tuple[str, str]]:
    """(signal, what KMS says) rows: state, aliases, grants, rotation, last use, and CloudTrail events naming it."""
    kms = course.client("kms")
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=meta["KeyId"]).get("Aliases", [])]
    grants = kms.list_grants(KeyId=meta["KeyId"]).get("Grants", [])
    rotation = kms.get_key_rotation_status(KeyId=meta["KeyId"]).get("KeyRotationEnabled", False)
    rows = [
        ("Key state", meta["KeyState"]),
        ("Aliases pointing at it", ", ".join(aliases) or "none"),
        ("Grants on it", f"{len(grants)}" + (f" ({', '.join(sorted({g.get('Name') or g['GrantId'][:8] for g in grants}))})" if grants else "")),
        ("Automatic rotation", "enabled" if rotation else "disabled"),
    ]
    rows.append(("Last successful use (GetKeyLastUsage)", _last_use(kms, meta["KeyId"])))
    events = audit.events(course, "ResourceName", meta["Arn"])
    latest = f", latest {events[0]['eventName']} at {events[0]['eventTime'][:10]}" if events else ""
    rows.append(("CloudTrail events naming it (last 90 days)", f"{len(events)}{latest}"))
    return rows


def _last_use(kms: Any, key_id: str) -> str:
    """GetKeyLastUsage in words: the operation and its date, or none since tracking began."""
    answer = kms.get_key_last_usage(KeyId=key_id)
    last = answer.get("KeyLastUsage") or {}
    if last:
        return f"{last['Operation']} at {last['Timestamp']:%Y-%m-%d}"
    before = answer["KeyCreationDate"] < answer["TrackingStartDate"]
    return f"none since {answer['TrackingStartDate']:%Y-%m-%d}" + (" (it may have been used before)" if before else "")


def table(course: Course, key_id: str) -> str:
    """The signals as a markdown table (display it with `show.display_markdown`)."""
    return markdown_table(["Signal", "What KMS says"], signals(course, key_id))
