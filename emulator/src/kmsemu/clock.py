"""The emulator's clock: real time plus an offset the course can move forward."""
from __future__ import annotations

import datetime as dt
import threading

_lock = threading.Lock()
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """The emulator's current time (timezone-aware UTC)."""
    return dt.datetime.now(dt.UTC) + _offset


def offset() -> dt.timedelta:
    """How far the clock has been moved forward."""
    return _offset


def advance(days: float = 0, hours: float = 0) -> dt.datetime:
    """Move the clock forward and return the new time; it never moves back."""
    global _offset
    step = dt.timedelta(days=days, hours=hours)
    if step < dt.timedelta(0):
        from kmsemu.errors import EmulatorError

        raise EmulatorError("The emulator clock only moves forward; pass a positive number of days or hours.")
    with _lock:
        _offset += step
    return now()


def reset() -> None:
    """Back to real time (used when the emulator is reset)."""
    global _offset
    with _lock:
        _offset = dt.timedelta(0)


def wall_now() -> dt.datetime:
    """The real time, for what AWS checks against real time whatever the emulator clock says (signature age)."""
    return dt.datetime.now(dt.UTC)
