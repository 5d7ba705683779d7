"""Paths and helpers shared by the tests (imported as `support`; pytest puts tests/ on sys.path)."""
from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without any AWS or course settings a previous in-process start() left behind."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KMSCOURSE_"))}
    env["KMSCOURSE_CHECKS_STRICT"] = "1"
    if "KMSCOURSE_PROGRESS_FILE" in os.environ:  # the suite's throwaway progress file (conftest.py), never the home
        env["KMSCOURSE_PROGRESS_FILE"] = os.environ["KMSCOURSE_PROGRESS_FILE"]
    env.update(extra)
    return env


def free_port() -> int:
    """A port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
