"""Pytest hooks that turn the conformance suite's results into the fidelity table, so the table cannot drift.

`make fidelity` (KMSEMU_FIDELITY_WRITE=1) writes emulator/src/kmsemu/data/fidelity.json from an emulator run, and
the table in emulator/README.md from it (readme.py). Every other emulator run compares its results with the
committed file and fails the run when they disagree.
Works under pytest-xdist: the behaviour rides on each report's user_properties to the controller.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import readme
from backend import ON_AWS
from not_reproduced import NOT_REPRODUCED

DATA = Path(__file__).resolve().parents[2] / "src" / "kmsemu" / "data" / "fidelity.json"
WRITE_ENV = "KMSEMU_FIDELITY_WRITE"
REPRODUCED, NOT = "reproduced", "not reproduced"
_PROPERTY = "kmsemu_behaviour"
_DOC_URL = re.compile(r"https://docs\.aws\.amazon\.com/[^\s)>\"']+")

_results: dict[str, dict[str, Any]] = {}


def behaviour_of(item: pytest.Item) -> tuple[str, str] | None:
    """(behaviour, AWS doc URL) for a conformance test, from its marker and its docstring."""
    marker = item.get_closest_marker("behaviour")
    if marker is None:
        return None
    name = str(marker.args[0])
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        name = name.format(**callspec.params)
    found = _DOC_URL.search(getattr(item, "obj", None).__doc__ or "")
    return name, found.group(0).rstrip(".,;") if found else ""


DUMP_ENV = "KMSEMU_FIDELITY_DUMP"


def collected_behaviours(items: list[pytest.Item]) -> dict[str, str]:
    """Behaviour -> AWS doc URL for the selected conformance tests."""
    return dict(found for found in map(behaviour_of, items) if found)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Attach each test's behaviour to its reports (and, when asked, dump the collected behaviours as JSON)."""
    for item in session.items:
        found = behaviour_of(item)
        if found:
            item.user_properties.append((_PROPERTY, list(found)))
    dump = os.environ.get(DUMP_ENV)
    if dump and not hasattr(session.config, "workerinput"):
        Path(dump).write_text(json.dumps(collected_behaviours(session.items)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record the outcome of each behaviour's tests (a skip is not proof, so it counts against)."""
    found = dict(report.user_properties).get(_PROPERTY)
    if not found or not (report.when == "call" or report.outcome != "passed"):
        return
    name, doc = found
    entry = _results.setdefault(name, {"doc": doc, "passed": True, "tests": set()})
    entry["tests"].add(report.nodeid.split("::", 1)[-1].split("[", 1)[0])
    entry["passed"] = entry["passed"] and report.passed


def rows_from_results(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Fidelity rows for what the suite proved, then the known gaps."""
    rows = [
        {"behaviour": name, "emulator": REPRODUCED if r["passed"] else NOT, "aws_doc": r["doc"],
         "tests": sorted(r["tests"])}
        for name, r in sorted(results.items())
    ]
    rows += [{"behaviour": g["behaviour"], "emulator": NOT, "aws": g["aws"], "aws_doc": g["aws_doc"], "tests": []}
             for g in NOT_REPRODUCED]
    return rows


def document(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole fidelity.json document."""
    from importlib.metadata import version

    return {
        "generated_by": "make fidelity: emulator/tests/conformance/fidelity_record.py from the conformance suite's "
                        "emulator results and emulator/tests/conformance/not_reproduced.py. Do not edit by hand.",
        "moto": version("moto"),
        "rows": rows,
    }


def disagreements(committed: dict[str, Any], results: dict[str, dict[str, Any]]) -> list[str]:
    """How this run's results differ from the committed table (for the behaviours it ran)."""
    old = {r["behaviour"]: r for r in committed.get("rows", []) if r.get("tests")}
    new = {r["behaviour"]: r for r in rows_from_results(results) if r.get("tests")}
    problems = []
    for name, row in new.items():
        before = old.get(name)
        if before is None:
            problems.append(f"new behaviour not in the table: {name!r}")
        elif (before["emulator"], before["aws_doc"]) != (row["emulator"], row["aws_doc"]):
            problems.append(f"{name!r}: table says {before['emulator']} ({before['aws_doc']}), suite says "
                            f"{row['emulator']} ({row['aws_doc']})")
    if len(new) >= len(old):  # a full run: behaviours missing from it were removed or renamed
        problems += [f"table lists a behaviour the suite no longer has: {n!r}" for n in old if n not in new]
    gaps = [r["behaviour"] for r in committed.get("rows", []) if not r.get("tests")]
    if gaps != [g["behaviour"] for g in NOT_REPRODUCED]:
        problems.append("the not-reproduced rows differ from emulator/tests/conformance/not_reproduced.py")
    return problems


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the table (make fidelity) or fail the run when the committed table disagrees with the results."""
    if hasattr(session.config, "workerinput") or ON_AWS or not _results:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get(WRITE_ENV) == "1":
        DATA.parent.mkdir(parents=True, exist_ok=True)
        written = document(rows_from_results(_results))
        DATA.write_text(json.dumps(written, indent=2) + "\n")
        readme.write(written)
        if reporter:
            reporter.write_line(f"fidelity: wrote {DATA} ({len(_results)} behaviours) and the table in {readme.README}")
        return
    committed = json.loads(DATA.read_text()) if DATA.exists() else {}
    problems = disagreements(committed, _results)
    if problems:
        if reporter:
            reporter.write_line("fidelity: emulator/src/kmsemu/data/fidelity.json disagrees with the suite; run `make fidelity`:", red=True)
            for line in problems:
                reporter.write_line("  " + line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
