"""Refresh the committed outputs of lesson notebooks by executing them in place (`make outputs`).

A cell keeps its committed outputs when the new ones differ only in what nbval ignores (the sanitizers in
tests/nbval-sanitize.cfg, and how a stream was split into chunks), so a re-run leaves no diff unless the
lesson's visible content changed.
"""
from __future__ import annotations

import configparser
import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat

from .runner import execute

SANITIZERS = Path(__file__).resolve().parents[2] / "tests" / "nbval-sanitize.cfg"
"""The regex/replace pairs nbval applies before comparing outputs."""


def _sanitizers() -> list[tuple[re.Pattern[str], str]]:
    """The (pattern, replacement) pairs from the nbval sanitize file, in order."""
    if not SANITIZERS.exists():
        return []
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SANITIZERS)
    return [(re.compile(parser[s]["regex"]), parser[s].get("replace", "")) for s in parser.sections()]


def comparable(outputs: list[Any], rules: list[tuple[re.Pattern[str], str]]) -> str:
    """The outputs as nbval sees them: streams merged by name, volatile text sanitized, metadata dropped."""
    merged: list[dict[str, Any]] = []
    streams: dict[str, dict[str, Any]] = {}
    for out in outputs:
        if out.get("output_type") == "stream":
            if out["name"] in streams:
                streams[out["name"]]["text"] += out["text"]
                continue
            streams[out["name"]] = {"output_type": "stream", "name": out["name"], "text": out["text"]}
            merged.append(streams[out["name"]])
        else:
            merged.append({k: v for k, v in out.items() if k not in ("metadata", "execution_count")})
    return json.dumps(_sanitized(merged, rules), sort_keys=True)


def _sanitized(value: Any, rules: list[tuple[re.Pattern[str], str]]) -> Any:
    """Every string inside `value` with the sanitizers applied, as nbval applies them to output text."""
    if isinstance(value, str):
        for pattern, replacement in rules:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_sanitized(v, rules) for v in value]
    if isinstance(value, dict):
        return {k: _sanitized(v, rules) for k, v in value.items()}
    return value


IGNORE_TAG = "nbval-ignore-output"
"""The cell tag (nbval's) for a cell whose output cannot be deterministic; its outputs are never compared."""


def changed_cells(committed: nbformat.NotebookNode, fresh: list[list[Any]]) -> list[str]:
    """Each code cell whose fresh outputs differ from its committed ones, as nbval compares them, with a short diff."""
    import difflib

    rules = _sanitizers()
    changes = []
    for index, (cell, outputs) in enumerate(zip(committed.cells, fresh, strict=True)):
        if cell.cell_type != "code" or IGNORE_TAG in cell.metadata.get("tags", []):
            continue
        before, after = comparable(cell.outputs, rules), comparable(outputs, rules)
        if before != after:
            diff = difflib.unified_diff(_lines(before), _lines(after), "committed", "this run", n=1, lineterm="")
            first_line = (cell.source.splitlines() or [""])[0][:60]
            changes.append(f"cell {index} ({first_line!r}):\n" + "\n".join(list(diff)[:30]))
    return changes


def _lines(text: str) -> list[str]:
    """A comparable form split into readable lines (JSON strings keep their escaped newlines)."""
    return text.replace("\\n", "\\n\n").splitlines()


def refresh(path: Path) -> str:
    """Execute one notebook from a fresh kernel and save it with its new outputs; return an error or ''."""
    old = {c.get("id"): c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"}
    nb, outcome = execute(path)
    if outcome.error:
        return outcome.error
    rules = _sanitizers()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        before = old.get(cell.get("id"))
        if cell.cell_type == "code" and before is not None and before.source == cell.source:
            if comparable(before.outputs, rules) == comparable(cell.outputs, rules):
                cell.outputs = before.outputs
    nb.metadata.pop("widgets", None)
    path.write_text(nbformat.writes(nb) + "\n")
    return ""


def main(argv: list[str]) -> int:
    """Refresh each notebook given; a failing one is left untouched and reported."""
    failed = 0
    for name in argv:
        error = refresh(Path(name).resolve())
        print(f"{'FAILED' if error else 'ok':6}  {name}{'  ' + error if error else ''}")
        failed += bool(error)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
