"""Refresh the committed outputs of lesson notebooks by executing them in place (`make outputs`)."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from .runner import execute


def refresh(path: Path) -> str:
    """Execute one notebook from a fresh kernel and save it with its new outputs; return an error or ''."""
    nb, outcome = execute(path)
    if outcome.error:
        return outcome.error
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
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
