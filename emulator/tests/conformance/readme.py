"""The "What it reproduces" table in emulator/README.md, generated from fidelity.json between two markers.

`make fidelity` writes it (fidelity_record.py calls `write`); test_fidelity_table.py fails when it drifts.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN, END = "<!-- BEGIN GENERATED: make fidelity -->", "<!-- END GENERATED -->"


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return text.replace("|", "/").replace("\n", " ")


def _doc_link(url: str) -> str:
    """A short markdown link to an AWS doc page, named after the page."""
    name = url.rstrip("/").rsplit("/", 1)[-1].split("#", 1)[0].removesuffix(".html") or url
    return f"[{name}]({url})"


def section(rows: list[dict[str, Any]], moto: str) -> str:
    """The generated text between the markers: counts, then one table line per behaviour."""
    kept = [r for r in rows if r["emulator"] == "reproduced"]
    gaps = [r for r in rows if r["emulator"] != "reproduced"]
    lines = [
        f"{len(kept)} behaviours reproduced and {len(gaps)} not, on moto {moto}. Each reproduced row is proved by a "
        "test in `tests/conformance/` (its docstring cites the AWS page); each gap says what AWS does instead.",
        "",
        "| Behaviour | kmsemu | AWS doc |",
        "|---|---|---|",
    ]
    lines += [f"| {_cell(r['behaviour'])} | reproduced | {_doc_link(r['aws_doc'])} |" for r in kept]
    lines += [f"| {_cell(r['behaviour'])} | not reproduced: {_cell(r.get('aws') or 'its conformance test fails')} | "
              f"{_doc_link(r['aws_doc'])} |" for r in gaps]
    return "\n".join(lines) + "\n"


def current(text: str | None = None) -> str:
    """What README.md holds between the markers now."""
    text = README.read_text() if text is None else text
    if BEGIN not in text or END not in text:
        raise ValueError(f"{README} lacks the markers {BEGIN} ... {END}")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write(document: dict[str, Any]) -> None:
    """Replace the text between the markers with the table for this fidelity document."""
    text = README.read_text()
    current(text)  # the markers must be there
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    README.write_text(f"{head}{BEGIN}\n{section(document['rows'], document['moto'])}{END}{tail}")
