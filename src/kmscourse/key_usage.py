"""Before deleting a key: its state, and the signs that something still depends on it.

https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-determining-usage.html
"""
from __future__ import annotations

from .course import Course
from .show import markdown_table


def state(course: Course, key_id: str) -> str:
    """The key's KeyState as KMS reports it now."""
    return str(course.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"])


def signals(course: Course, key_id: str) -> list[tuple[str, str]]:
    """(signal, what KMS says) rows: state, aliases, grants, rotation, and recent CloudTrail use where there is one."""
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
    if course.backend == "aws":
        events = course.client("cloudtrail").lookup_events(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": meta["Arn"]}], MaxResults=50
        ).get("Events", [])
        latest = f", latest {events[0]['EventName']} at {events[0]['EventTime']:%Y-%m-%d}" if events else ""
        rows.append(("CloudTrail events naming it (last 90 days)", f"{len(events)}{'+' if len(events) == 50 else ''}{latest}"))
    else:
        rows.append(("CloudTrail events naming it", "not available on the emulator (it has no CloudTrail)"))
    return rows


def table(course: Course, key_id: str) -> str:
    """The signals as a markdown table (display it with `show.display_markdown`)."""
    return markdown_table(["Signal", "What KMS says"], signals(course, key_id))
