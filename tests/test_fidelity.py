"""kmscourse.fidelity reads kmsemu's fidelity table (recorded by emulator/tests/conformance) for the lessons."""
from __future__ import annotations

import json
from importlib.resources import files

import kmscourse.fidelity


def test_rows_are_kmsemus_committed_table() -> None:
    """rows() are the rows of the fidelity.json that ships inside kmsemu."""
    shipped = json.loads(files("kmsemu").joinpath("data", "fidelity.json").read_text())
    assert kmscourse.fidelity.rows() == shipped["rows"] and shipped["rows"]


def test_every_row_cites_aws_documentation() -> None:
    """Each row names an AWS documentation page and says reproduced or not reproduced."""
    for row in kmscourse.fidelity.rows():
        assert row["aws_doc"].startswith("https://docs.aws.amazon.com/"), row
        assert row["emulator"] in ("reproduced", "not reproduced"), row


def test_markdown_table_has_a_line_per_row() -> None:
    """markdown_table() (shown by notebook 00) renders a header and one line per row."""
    table = kmscourse.fidelity.markdown_table()
    lines = table.strip().splitlines()
    assert lines[0] == "| Behaviour | Emulator | AWS doc |"
    assert len(lines) == 2 + len(kmscourse.fidelity.rows())
    assert any("not reproduced" in line for line in lines)


def test_overview_counts_every_row() -> None:
    """overview_markdown() (notebook 00) counts the reproduced and missing behaviours and lists every gap."""
    rows = kmscourse.fidelity.rows()
    gaps = [r for r in rows if r["emulator"] != "reproduced"]
    overview = kmscourse.fidelity.overview_markdown()
    assert overview.startswith(f"**{len(rows) - len(gaps)} behaviours reproduced, {len(gaps)} not**")
    assert all(f"| {g['behaviour']} |" in overview for g in gaps)
