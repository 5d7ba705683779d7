"""The progress service's records in one SQLite file, and the learners-by-labs summary the dashboard shows."""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from .records import LISTS

_SCHEMA = """CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT, learner TEXT NOT NULL, lab TEXT NOT NULL, passed INTEGER NOT NULL,
    time TEXT NOT NULL, passed_items TEXT NOT NULL, failed_items TEXT NOT NULL, hints TEXT NOT NULL)"""


class Store:
    """Append-only records in SQLite; one connection, guarded by a lock (the service is one process)."""

    def __init__(self, path: Path) -> None:
        """Open (or create) the database file at `path`."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute(_SCHEMA)
        self._db.commit()

    def add(self, learner: str, record: dict[str, Any]) -> None:
        """Keep one validated record for `learner` (the name the hub token identified)."""
        with self._lock:
            self._db.execute(
                "INSERT INTO records (learner, lab, passed, time, passed_items, failed_items, hints) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (learner, record["lab"], int(record["passed"]), record["time"], *(json.dumps(record[k]) for k in LISTS)))
            self._db.commit()

    def rows(self) -> list[dict[str, Any]]:
        """Every record, in the order received."""
        with self._lock:
            cursor = self._db.execute(
                "SELECT learner, lab, passed, time, passed_items, failed_items, hints FROM records ORDER BY id")
            fetched = cursor.fetchall()
        return [{"learner": learner, "lab": lab, "passed": bool(passed), "time": time,
                 **{key: json.loads(value) for key, value in zip(LISTS, lists, strict=True)}}
                for learner, lab, passed, time, *lists in fetched]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def summary(rows: list[dict[str, Any]], labs: list[str]) -> dict[str, Any]:
    """Learners by labs: each cell the last result (pass/fail, items, attempts, time); per lab the hint shown most."""
    learners: dict[str, dict[str, Any]] = {}
    hints: dict[str, Counter[str]] = {lab: Counter() for lab in labs}
    for row in rows:
        cells = learners.setdefault(row["learner"], {})
        attempts = cells.get(row["lab"], {}).get("attempts", 0) + 1
        cells[row["lab"]] = {"passed": row["passed"], "ok": len(row["passed_items"]),
                             "total": len(row["passed_items"]) + len(row["failed_items"]), "time": row["time"], "attempts": attempts}
        hints.setdefault(row["lab"], Counter()).update(row["hints"])
    top = {lab: (counter.most_common(1)[0] if counter else None) for lab, counter in hints.items()}
    return {
        "labs": labs,
        "learners": [{"name": name, "labs": learners[name]} for name in sorted(learners)],
        "top_hints": {lab: {"hint": hint[0], "count": hint[1]} if hint else None for lab, hint in top.items()},
        "records": len(rows),
    }
