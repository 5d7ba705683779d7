"""Execute notebooks headless from fresh kernels, with a progress bar and a summary table (`make course`)."""
from __future__ import annotations

import copy
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

TIMEOUT_S = 300
"""Longest a single cell may run before the notebook counts as failed."""


@dataclass
class Outcome:
    """How one notebook ran."""

    notebook: Path
    seconds: float
    error: str = ""
    first_run: list[list[Any]] = field(default_factory=list)
    """Each cell's outputs after the first run (with `runs=2`, before the second run replaced them)."""

    @property
    def status(self) -> str:
        """`ok` or `FAILED`."""
        return "FAILED" if self.error else "ok"


def execute(path: Path, out: Path | None = None, extra_env: dict[str, str] | None = None,
            runs: int = 1) -> tuple[nbformat.NotebookNode, Outcome]:
    """Run one notebook in a fresh kernel with its own folder as the working directory.

    `runs=2` is a learner's Run All pressed twice: every cell runs, then every cell again, in the same kernel.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, **(extra_env or {}))
    client = NotebookClient(
        nb, timeout=TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    error = ""
    run = 1
    first_run: list[list[Any]] = []
    try:
        # The kernel's own stderr holds only transport warnings; cell errors arrive through the protocol.
        if runs == 1:
            client.execute(env=env, stderr=subprocess.DEVNULL)
        else:
            with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):
                for run in range(1, runs + 1):  # noqa: B007  (the except below names the failed run)
                    for index, cell in enumerate(nb.cells):
                        client.execute_cell(cell, index)
                    if run == 1:
                        first_run = [copy.deepcopy(cell.get("outputs", [])) for cell in nb.cells]
    except CellExecutionError as exc:
        error = _last_line(str(exc)) if runs == 1 else f"run {run} of {runs} in one kernel: {_last_line(str(exc))}"
    except Exception as exc:  # a dead kernel or timeout: report it as the notebook's failure
        error = f"{type(exc).__name__}: {exc}"
    if runs == 1 and not error:
        first_run = [cell.get("outputs", []) for cell in nb.cells]
    outcome = Outcome(path, time.perf_counter() - started, error, first_run)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
    return nb, outcome


def _last_line(message: str) -> str:
    """The most telling line of a cell error (the exception line), without ANSI colours."""
    import re

    lines = [re.sub(r"\x1b\[[0-9;]*m", "", part).strip() for part in message.splitlines()]
    lines = [part for part in lines if part]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_.]*(Error|Exception|Exit)\b", line) or "Error:" in line:
            return line[:300]
    return lines[-1][:300] if lines else "failed"


def run_all(paths: list[Path], build: Path, root: Path) -> list[Outcome]:
    """Execute each notebook, writing executed copies under `build`, with a tqdm progress bar."""
    from tqdm import tqdm

    outcomes = []
    bar = tqdm(paths, unit="notebook", desc="Running the course")
    for path in bar:
        bar.set_postfix_str(path.name)
        _, outcome = execute(path, build / path.relative_to(root))
        outcomes.append(outcome)
    return outcomes


def table(outcomes: list[Outcome], root: Path) -> str:
    """The summary table: notebook, seconds, status (and the error for failures)."""
    width = max([len("notebook")] + [len(str(o.notebook.relative_to(root))) for o in outcomes])
    lines = [f"{'notebook':<{width}}  {'seconds':>7}  status", f"{'-' * width}  {'-' * 7}  ------"]
    for o in outcomes:
        lines.append(f"{str(o.notebook.relative_to(root)):<{width}}  {o.seconds:7.1f}  {o.status}")
        if o.error:
            lines.append(f"{'':<{width}}           {o.error}")
    failed = sum(bool(o.error) for o in outcomes)
    lines.append(f"{len(outcomes) - failed} of {len(outcomes)} notebooks ran green.")
    return "\n".join(lines)
