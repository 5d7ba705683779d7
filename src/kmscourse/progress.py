"""Each lab check's result, kept in the learner's own progress file and shown by `kmscourse progress`."""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings

if TYPE_CHECKING:
    from .checks.result import CheckResult


def path() -> Path:
    """The learner's progress file (KMSCOURSE_PROGRESS_FILE, `~` expanded)."""
    return Path(settings.PROGRESS_FILE.get()).expanduser()


def learner() -> str:
    """Who the record is for: the hub user on a JupyterHub, else KMSCOURSE_LEARNER."""
    return os.environ.get("JUPYTERHUB_USER", "").strip() or settings.LEARNER.get()


def make(result: CheckResult) -> dict[str, Any]:
    """The record of one check: learner, lab, items passed and failed, the hints shown, and the time (UTC)."""
    return {
        "learner": learner(),
        "lab": result.lab,
        "passed": result.passed,
        "passed_items": [i.name for i in result.items if i.passed],
        "failed_items": [i.name for i in result.failures],
        "hints": [h for h in result.hints() if h],
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def save(record: dict[str, Any], where: Path | None = None) -> Path:
    """Append the record to the progress file as one JSON line; return the file."""
    target = where or path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")
    return target


def load(where: Path | None = None) -> list[dict[str, Any]]:
    """Every record in the progress file, oldest first; lines that are not records are skipped."""
    source = where or path()
    if not source.is_file():
        return []
    records = []
    for line in source.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("lab"), str):
            records.append(record)
    return records


def record(result: CheckResult) -> dict[str, Any]:
    """Keep the check's record locally and, on a workshop hub, send it on; never raises, one line when a step fails."""
    entry = make(result)
    try:
        save(entry)
    except OSError as exc:
        print(f"kmscourse: your progress was not saved to {path()} ({exc.strerror or exc}); the check itself is unaffected.",
              file=sys.stderr)
    from .workshop import post

    post.send_quietly(entry)
    return entry


def table(records: list[dict[str, Any]]) -> str:
    """One row per lab: the last result, items passed, attempts and when; one sentence when there are none."""
    if not records:
        return f"No lab checks recorded yet in {path()}; run the check cell at the end of a lab to record one."
    last: dict[str, dict[str, Any]] = {}
    attempts: dict[str, int] = {}
    for entry in records:
        last[entry["lab"]] = entry
        attempts[entry["lab"]] = attempts.get(entry["lab"], 0) + 1
    rows = ["| Lab | Last result | Items passed | Attempts | When (UTC) |", "|---|---|---|---|---|"]
    for lab in sorted(last):
        entry = last[lab]
        ok, failed = len(entry.get("passed_items", [])), len(entry.get("failed_items", []))
        verdict = "PASS" if entry.get("passed") else f"FAIL ({failed} to fix)"
        when = str(entry.get("time", ""))[:16].replace("T", " ")
        rows.append(f"| {lab} | {verdict} | {ok} of {ok + failed} | {attempts[lab]} | {when} |")
    return "\n".join(rows)
