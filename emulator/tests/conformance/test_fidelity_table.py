"""The committed fidelity table (emulator/src/kmsemu/data/fidelity.json) and kmsemu's README table match this suite.

Outcomes are compared at the end of every emulator run by fidelity_record.py; this test checks the rows:
every behaviour the suite proves has a row with the same AWS doc, no row outlives its test, and the gaps match.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import readme
from fidelity_record import DATA, DUMP_ENV, NOT, REPRODUCED, collected_behaviours
from not_reproduced import NOT_REPRODUCED

HERE = Path(__file__).resolve().parent


def _rows() -> list[dict[str, Any]]:
    """The committed rows."""
    return list(json.loads(DATA.read_text())["rows"])


def _suite_behaviours(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Behaviour -> doc for the whole conformance suite: from this session, or a collect-only run when it is partial."""
    files = {item.path.name for item in request.session.items}
    if all(path.name in files for path in HERE.glob("test_*.py")):
        return collected_behaviours(request.session.items)
    dump = tmp_path / "behaviours.json"
    env = {**os.environ, DUMP_ENV: str(dump)}
    subprocess.run([sys.executable, "-m", "pytest", str(HERE), "--collect-only", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"],
                   env=env, check=True, capture_output=True, cwd=HERE.parents[1])
    return dict(json.loads(dump.read_text()))


def test_rows_match_the_suite(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Every behaviour in the suite has exactly one row, with the doc URL from its test's docstring."""
    committed = json.loads(DATA.read_text())
    proved = {r["behaviour"]: r["aws_doc"] for r in committed["rows"] if r["tests"]}
    assert proved == _suite_behaviours(request, tmp_path), "run `make fidelity` to regenerate emulator/src/kmsemu/data/fidelity.json"


def test_gap_rows_match_not_reproduced() -> None:
    """The not-reproduced rows are the known gaps, each saying what AWS does, with its doc."""
    committed = json.loads(DATA.read_text())
    gaps = [(r["behaviour"], r["aws"], r["aws_doc"]) for r in committed["rows"] if not r["tests"]]
    assert gaps == [(g["behaviour"], g["aws"], g["aws_doc"]) for g in NOT_REPRODUCED]


def test_every_row_cites_aws_documentation() -> None:
    """Each row names an AWS documentation page and says reproduced or not reproduced."""
    for row in _rows():
        assert row["aws_doc"].startswith("https://docs.aws.amazon.com/"), row
        assert row["emulator"] in (REPRODUCED, NOT), row


def test_readme_table_is_the_committed_table() -> None:
    """emulator/README.md's "What it reproduces" section is what `make fidelity` writes from fidelity.json."""
    committed = json.loads(DATA.read_text())
    assert readme.current() == readme.section(committed["rows"], committed["moto"]), \
        "run `make fidelity` to regenerate the table in emulator/README.md"


def test_readme_table_has_a_line_per_row() -> None:
    """The README table has a header and one line per row, each naming its AWS doc page."""
    lines = [line for line in readme.current().splitlines() if line.startswith("| ")]
    assert lines[0] == "| Behaviour | kmsemu | AWS doc |"
    assert len(lines) == 1 + len(_rows())
    assert all("](https://docs.aws.amazon.com/" in line for line in lines[1:])
    assert sum("| not reproduced: " in line for line in lines) == len(NOT_REPRODUCED)
