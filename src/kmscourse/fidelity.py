"""What the emulator reproduces of AWS, as recorded from the conformance suite (data/fidelity.json)."""
from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def rows() -> list[dict[str, Any]]:
    """The fidelity rows: behaviour, emulator (reproduced / not reproduced), AWS doc, and for gaps what AWS does."""
    data = json.loads((files("kmsemu") / "data" / "fidelity.json").read_text())
    return list(data["rows"])


def markdown_table() -> str:
    """The fidelity table in markdown, for notebook 00 and the docs."""
    lines = ["| Behaviour | Emulator | AWS doc |", "|---|---|---|"]
    for row in rows():
        behaviour = row["behaviour"] + (f" (AWS: {row['aws']})" if row.get("aws") else "")
        lines.append(f"| {behaviour.replace('|', '/')} | {row['emulator']} | {row['aws_doc']} |")
    return "\n".join(lines) + "\n"


def overview_markdown() -> str:
    """Notebook 00's view: the counts, every behaviour not reproduced (with what AWS does), the rest folded away."""
    all_rows = rows()
    gaps = [r for r in all_rows if r["emulator"] != "reproduced"]
    kept = [r for r in all_rows if r["emulator"] == "reproduced"]
    lines = [
        f"**{len(kept)} behaviours reproduced, {len(gaps)} not** (each checked by a test in `tests/conformance/`).",
        "",
        "| Not reproduced | What AWS does | AWS doc |",
        "|---|---|---|",
    ]
    lines += [f"| {r['behaviour']} | {r.get('aws', '').replace('|', '/')} | {r['aws_doc']} |" for r in gaps]
    lines += ["", "<details><summary>The behaviours the emulator reproduces</summary>", ""]
    lines += [f"- {r['behaviour']} ([AWS doc]({r['aws_doc']}))" for r in kept]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
