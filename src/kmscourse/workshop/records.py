"""What a posted progress record must look like: the labs that exist, bounded lists of short strings."""
from __future__ import annotations

import json
import pkgutil
import re
from typing import Any

MAX_BODY = 32 * 1024
"""Bytes a posted record may have: a check with every hint shown is a few kilobytes."""
MAX_ITEMS = 50
"""Items (or hints) one record may list."""
MAX_TEXT = 1000
"""Characters one item name or hint may have."""
LISTS = ("passed_items", "failed_items", "hints")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?$")


class BadRecord(ValueError):
    """A record the service refuses; its message is the one sentence the learner's check prints."""


def known_labs() -> list[str]:
    """The labs a record may name ("Lab 00", ...): one per lab check module in kmscourse.checks."""
    from .. import checks

    names = (m.name for m in pkgutil.iter_modules(checks.__path__))
    return sorted(f"Lab {name[3:]}" for name in names if re.fullmatch(r"lab\d\d", name))


def _strings(record: dict[str, Any], key: str) -> list[str]:
    """The record's list under `key`, checked to be at most MAX_ITEMS strings of at most MAX_TEXT characters."""
    value = record.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord(f"'{key}' must be a list of strings.")
    if len(value) > MAX_ITEMS or any(len(v) > MAX_TEXT for v in value):
        raise BadRecord(f"'{key}' is too long: at most {MAX_ITEMS} entries of {MAX_TEXT} characters each.")
    return value


def parse(body: bytes, labs: list[str]) -> dict[str, Any]:
    """The record in a request body, validated and normalised; BadRecord with one sentence otherwise."""
    if len(body) > MAX_BODY:
        raise BadRecord(f"The record is {len(body)} bytes; the progress service takes at most {MAX_BODY}.")
    try:
        record = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRecord("The body is not valid JSON; send one record as a JSON object.") from None
    if not isinstance(record, dict):
        raise BadRecord("The body must be one JSON object (a record), not a list or a value.")
    lab = record.get("lab")
    if lab not in labs:
        raise BadRecord(f"Unknown lab {str(lab)[:40]!r}; the course's labs are {labs[0]} to {labs[-1]}.")
    passed = record.get("passed")
    if not isinstance(passed, bool):
        raise BadRecord("'passed' must be true or false.")
    time = record.get("time")
    if not isinstance(time, str) or not _TIME.match(time):
        raise BadRecord("'time' must be an ISO 8601 time such as 2026-05-04T09:30:00+00:00.")
    return {"lab": lab, "passed": passed, "time": time, **{key: _strings(record, key) for key in LISTS}}
