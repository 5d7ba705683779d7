"""The progress service's parts without a hub: what a record must be, and the learners-by-labs summary."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, clean_env

from kmscourse.workshop import records
from kmscourse.workshop.store import Store, summary

LABS = records.known_labs()


def _body(**fields: object) -> bytes:
    return json.dumps({"lab": "Lab 03", "passed": False, "time": "2026-05-04T09:30:00+00:00", **fields}).encode()


def test_the_known_labs_are_the_lab_checks() -> None:
    assert LABS[0] == "Lab 00" and "Lab 11" in LABS and all(len(lab) == 6 for lab in LABS)


def test_parse_keeps_only_the_record_fields() -> None:
    record = records.parse(_body(hints=["h"], learner="someone", extra="ignored"), LABS)
    assert record == {"lab": "Lab 03", "passed": False, "time": "2026-05-04T09:30:00+00:00", "passed_items": [],
                      "failed_items": [], "hints": ["h"]}


@pytest.mark.parametrize("body, words", [
    (b"\xff\xfe", "not valid JSON"), (_body(lab="lab 3"), "Unknown lab"), (_body(time="yesterday"), "'time'"),
    (_body(hints="one"), "'hints' must be a list"), (_body(hints=["x" * 2000]), "too long"), (b"{}" + b" " * 40_000, "at most"),
])
def test_parse_refuses_bad_records_in_one_sentence(body: bytes, words: str) -> None:
    with pytest.raises(records.BadRecord) as caught:
        records.parse(body, LABS)
    assert words in str(caught.value) and str(caught.value).endswith(".")


def test_summary_shows_the_last_result_and_the_hint_shown_most(tmp_path: Path) -> None:
    store = Store(tmp_path / "progress.sqlite")
    fail = records.parse(_body(passed_items=["a"], failed_items=["b"], hints=["use alias/"]), LABS)
    win = records.parse(_body(passed=True, passed_items=["a", "b"], time="2026-05-04T09:40:00+00:00"), LABS)
    store.add("ana", fail)
    store.add("ben", fail)
    store.add("ana", win)
    board = summary(store.rows(), LABS)
    store.close()
    assert [row["name"] for row in board["learners"]] == ["ana", "ben"] and board["records"] == 3
    assert board["learners"][0]["labs"]["Lab 03"] == {"passed": True, "ok": 2, "total": 2, "time": "2026-05-04T09:40:00+00:00", "attempts": 2}
    assert board["learners"][1]["labs"]["Lab 03"]["passed"] is False
    assert board["top_hints"]["Lab 03"] == {"hint": "use alias/", "count": 2} and board["top_hints"]["Lab 00"] is None


def test_the_service_outside_a_hub_says_how_to_run_it() -> None:
    env = {k: v for k, v in clean_env().items() if not k.startswith("JUPYTERHUB_")}
    proc = subprocess.run([sys.executable, "-m", "kmscourse.workshop.progress_service"], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()] and "JupyterHub managed service" in proc.stderr
