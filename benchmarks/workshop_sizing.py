"""Benchmark: how many learners one machine holds, for the instructor's sizing plan (docs/instructors.md).

Measures, in one run on this machine:
1. a learner's single-user Jupyter server: its start time (until /api/status answers) and its RSS when idle;
2. a lesson kernel after the lesson has run (its emulator included): RSS, as benchmarks/lesson_memory.py does;
3. K learners running the same lesson at once (K = 1, 2, 4, ...): the wall time of the slowest, as a ratio to one alone.

Then prints the plan: learners per machine by memory (server + kernel, with 2 GiB kept for the system) and by CPU
(the largest K measured whose lesson takes at most SLOWDOWN_LIMIT times as long as alone).

    python benchmarks/workshop_sizing.py [--lesson notebooks/09-key-policies-grants.ipynb] [--max-k 8]
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from lesson_memory import measure  # noqa: E402
from support import clean_env  # noqa: E402  (lesson_memory put tests/ on the path)

from kmscourse.runner import execute  # noqa: E402

SLOWDOWN_LIMIT = 2.0
"""A lesson may take at most this many times as long as alone before the machine counts as full."""
RESERVE_MB = 2048
"""Memory kept for the system, the hub and the proxy."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024


def single_user_server(folder: Path) -> tuple[float, float]:
    """(seconds until a fresh `jupyter server` answers /api/status, its RSS in MB when idle)."""
    port, token = _free_port(), "sizing"
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}", "--allow-root"]
    started = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < 60:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("jupyter server did not answer within 60 s")
        seconds = time.monotonic() - started
        time.sleep(2)  # let it settle
        return seconds, _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)


def concurrent(lesson: Path, k: int, folder: Path) -> float:
    """Wall seconds until all of `k` fresh kernels have run the lesson at once (each in its own copy)."""
    copies = []
    for i in range(k):
        (folder / f"k{k}-{i}").mkdir()
        copies.append(folder / f"k{k}-{i}" / lesson.name)
        shutil.copy(lesson, copies[-1])
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=k) as pool:
        outcomes = list(pool.map(lambda copy: execute(copy, extra_env=clean_env())[1], copies))
    failed = [o.error for o in outcomes if o.error]
    if failed:
        raise SystemExit(f"a concurrent run failed, so its time means nothing: {failed[0]}")
    return time.monotonic() - started


def main() -> None:
    """Measure, then print the figures and the plan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default=str(ROOT / "notebooks" / "09-key-policies-grants.ipynb"))
    parser.add_argument("--max-k", type=int, default=8, help="the most learners to run a lesson at once (default 8)")
    args = parser.parse_args()
    lesson = Path(args.lesson).resolve()
    cores, memory_mb = os.cpu_count() or 1, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    with tempfile.TemporaryDirectory(prefix="kmscourse-sizing-") as tmp:
        spawn, server_mb = single_user_server(Path(tmp))
        (Path(tmp) / "memory").mkdir()
        kernel_mb = measure(lesson, Path(tmp) / "memory")["VmRSS"]
        print(f"machine: {cores} cores, {memory_mb / 1024:.1f} GiB; lesson {lesson.name}")
        print(f"single-user server: starts in {spawn:.1f} s, {server_mb:.0f} MB idle")
        print(f"lesson kernel after the lesson (emulator included): {kernel_mb:.0f} MB")
        (Path(tmp) / "warm").mkdir()
        concurrent(lesson, 1, Path(tmp) / "warm")  # the first run pays for cold imports and caches: not counted
        alone, fits, k = 0.0, 1, 1
        while k <= args.max_k:
            wall = concurrent(lesson, k, Path(tmp))
            alone = alone or wall
            ratio = wall / alone
            print(f"{k:3d} learners running it at once: {wall:6.1f} s, {ratio:4.2f} x one alone", flush=True)
            if ratio <= SLOWDOWN_LIMIT:
                fits = k
            k *= 2
    per_learner = server_mb + kernel_mb
    by_memory = int((memory_mb - RESERVE_MB) // per_learner)
    print(f"per learner: {per_learner:.0f} MB (server + kernel); by memory this machine holds {by_memory} learners")
    print(f"by CPU: {fits} learners running a lesson at the same moment stay within {SLOWDOWN_LIMIT:.0f} x one alone "
          f"({fits / cores:.1f} per core); learners read far more than they run, so a room keeps well under that")


if __name__ == "__main__":
    main()
