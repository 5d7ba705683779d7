"""Paths and helpers shared by the tests (imported as `support`; pytest puts tests/ on sys.path)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
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


def interrupt(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    """Ctrl+C for a foreground process, then its remaining stdout and stderr; killed (and the test failed) if it hangs.

    The pipes are drained while it stops, so output it writes on the way out can never block its exit.
    """
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"{proc.args} did not stop within {timeout} s of Ctrl+C; it was killed") from None
    return out, err


def foreground_emulator(port: int | None = None) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`kmscourse emulator` started as a learner starts it, and the `export` lines it printed (stop it by PID)."""
    # Ctrl+C must reach it even when the suite itself was started in the background, where a shell starts commands
    # with SIGINT ignored and that disposition is inherited: the child sets it back to the default, then execs.
    command = [str(BIN / "kmscourse"), "emulator", "--port", str(port or free_port())]
    with_ctrl_c = [str(BIN / "python"), "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                   "os.execv(sys.argv[1], sys.argv[1:])", *command]
    proc = subprocess.Popen(with_ctrl_c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=ROOT)
    exports: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("export "):
            name, _, value = line[len("export "):].strip().partition("=")
            exports[name] = value
        if "no_proxy" in exports:
            break
    return proc, exports
