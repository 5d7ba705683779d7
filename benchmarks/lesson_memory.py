"""Benchmark: the RSS of a real lesson kernel once the lesson has run (target: at most 150 MB).

Each lesson in notebooks/ runs from a fresh kernel in a private copy, with one extra cell at the end that
reads the kernel's own VmRSS and peak (VmHWM) from /proc. Prints one row per lesson and the largest figure.

    python benchmarks/lesson_memory.py [notebooks/02-*.ipynb ...]
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support import clean_env  # noqa: E402

from kmscourse.runner import execute  # noqa: E402

TARGET_MB = 150
PROBE = """import json
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
print(json.dumps({k: int(status[k].split()[0]) / 1024 for k in ('VmRSS', 'VmHWM')}))"""


def measure(lesson: Path, folder: Path) -> dict[str, float]:
    """Run the lesson plus the probe cell in a fresh kernel; return its RSS and peak in MB."""
    copy = folder / lesson.name
    nb = nbformat.read(lesson, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbformat.write(nb, copy)
    ran, outcome = execute(copy, extra_env=clean_env())
    if outcome.error:
        raise SystemExit(f"{lesson.name} failed, so its memory means nothing: {outcome.error}")
    return json.loads(ran.cells[-1].outputs[0]["text"])


def main() -> None:
    """Measure each lesson given (default: all of notebooks/) and print the table."""
    lessons = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    print(f"{'lesson':<44} {'RSS MB':>7} {'peak MB':>8}")
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="kmscourse-memory-") as tmp:
        for lesson in lessons:
            folder = Path(tmp) / lesson.stem
            folder.mkdir()
            figures = measure(lesson, folder)
            worst = max(worst, figures["VmRSS"])
            print(f"{lesson.name:<44} {figures['VmRSS']:7.0f} {figures['VmHWM']:8.0f}", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
    verdict = "OK" if worst <= TARGET_MB else "OVER"
    print(f"largest kernel RSS after a lesson: {worst:.0f} MB (target <= {TARGET_MB} MB): {verdict}")


if __name__ == "__main__":
    main()
