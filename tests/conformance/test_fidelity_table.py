"""The committed fidelity table (src/kmscourse/data/fidelity.json) matches this suite.

Outcomes are compared at the end of every emulator run by fidelity_record.py; this test checks the rows:
every behaviour the suite proves has a row with the same AWS doc, no row outlives its test, and the gaps match.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fidelity_record import DATA, DUMP_ENV, NOT, REPRODUCED, collected_behaviours
from not_reproduced import NOT_REPRODUCED

import kmscourse.fidelity

HERE = Path(__file__).resolve().parent


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
    assert proved == _suite_behaviours(request, tmp_path), "run `make fidelity` to regenerate src/kmscourse/data/fidelity.json"


def test_gap_rows_match_not_reproduced() -> None:
    """The not-reproduced rows are the known gaps, each saying what AWS does, with its doc."""
    committed = json.loads(DATA.read_text())
    gaps = [(r["behaviour"], r["aws"], r["aws_doc"]) for r in committed["rows"] if not r["tests"]]
    assert gaps == [(g["behaviour"], g["aws"], g["aws_doc"]) for g in NOT_REPRODUCED]


def test_every_row_cites_aws_documentation() -> None:
    """Each row names an AWS documentation page and says reproduced or not reproduced."""
    for row in kmscourse.fidelity.rows():
        assert row["aws_doc"].startswith("https://docs.aws.amazon.com/"), row
        assert row["emulator"] in (REPRODUCED, NOT), row


def test_markdown_table_has_a_line_per_row() -> None:
    """markdown_table() (shown by notebook 00) renders a header and one line per row."""
    table = kmscourse.fidelity.markdown_table()
    lines = table.strip().splitlines()
    assert lines[0] == "| Behaviour | Emulator | AWS doc |"
    assert len(lines) == 2 + len(kmscourse.fidelity.rows())
    assert any("not reproduced" in line for line in lines)
