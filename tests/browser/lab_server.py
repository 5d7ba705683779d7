"""JupyterLab as `make lab` starts it, in throwaway Jupyter folders, bounded in time and stopped by process group."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
# What `make lab` puts first on JUPYTER_CONFIG_PATH: it switches off the test-only extensions (nbgrader's).
LEARNER_CONFIG = ROOT / "etc" / "jupyter"

# Test-only JupyterLab settings, written to the throwaway user-settings folder. None changes how anything renders:
# every cell stays in the DOM (no windowing), nothing is ever saved over a lesson, and nothing asks the network for news.
TEST_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def free_port() -> int:
    """A port nobody is listening on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jupyter_home(base: Path) -> dict[str, str]:
    """Fresh Jupyter and IPython folders under `base`, as environment variables, with the test settings written."""
    dirs = {name: base / name for name in ("config", "data", "runtime", "ipython")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    for plugin, values in TEST_SETTINGS.items():
        settings = dirs["config"] / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps(values))
    return {
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "IPYTHONDIR": str(dirs["ipython"]),
    }


def learner_env(home: dict[str, str]) -> dict[str, str]:
    """The environment of a learner's `make lab`: no course, AWS or Jupyter settings of ours, the venv first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KMSCOURSE_", "JUPYTER", "IPYTHON"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(home)
    # The lab's check records its result; keep it in this run's folder, never the real home.
    env["KMSCOURSE_PROGRESS_FILE"] = str(Path(home["JUPYTER_CONFIG_DIR"]).parent / "progress.jsonl")
    return env


@dataclass
class LabServer:
    """A running JupyterLab: its URL, token and process group, and the folders it writes to."""

    url: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path
    runtime_dir: Path

    def request(self, method: str, path: str, body: Any = None, timeout: float = 30) -> tuple[int, bytes]:
        """Send a request with the token; the HTTP status and body (error statuses are answers too)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        """Call the server's REST API; the parsed JSON answer (None when empty), or an error for a failure status."""
        status, raw = self.request(method, path, body, timeout)
        if status >= 400:
            raise RuntimeError(f"{method} {path} answered {status}: {raw[:300]!r}")
        return json.loads(raw) if raw else None

    def shut_down_kernels(self) -> None:
        """Stop every kernel this server runs, through its API."""
        for kernel in self.api("GET", "/api/kernels") or []:
            self.request("DELETE", f"/api/kernels/{kernel['id']}")  # a 404 means it went away by itself meanwhile

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for failure messages."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> None:
        """Stop the kernels, then the server's process group (TERM, then KILL), then any kernel it left behind."""
        if self.proc.poll() is None:
            try:
                self.shut_down_kernels()
            except (OSError, RuntimeError):
                pass
            _kill_group(self.proc)
        # Kernels run in sessions of their own; any still alive is found by its connection file in our runtime folder.
        for pid in _pids_mentioning(str(self.runtime_dir)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """TERM the process group, give every member 20 s to shut down cleanly, then KILL whatever is left of it."""
    for sig, wait in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader (make, or jupyter itself); the group lives on while any member does
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


def _pids_mentioning(text: str) -> list[int]:
    """PIDs of the processes whose command line contains `text` (a folder only this run uses)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def time_bounds(idle_shutdown: int) -> list[str]:
    """Server options that end it by itself should this test run die first: idle kernels are culled, then it exits."""
    return [f"--ServerApp.shutdown_no_activity_timeout={idle_shutdown}", f"--MappingKernelManager.cull_idle_timeout={idle_shutdown}",
            "--MappingKernelManager.cull_interval=60", "--MappingKernelManager.cull_connected=True"]


def lab_command(port: int, token: str, *, idle_shutdown: int) -> list[str]:
    """`make lab`'s command line, headless, on 127.0.0.1, with a token, bounded in time by `time_bounds`."""
    command = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={ROOT}", "--no-browser", "--ip", "127.0.0.1",
               "--port", str(port), f"--IdentityProvider.token={token}", *time_bounds(idle_shutdown)]
    return command + (["--allow-root"] if os.getuid() == 0 else [])


def start(command: list[str], env: dict[str, str], url: str, token: str, log: Path, *, timeout: float = 90) -> LabServer:
    """Start `command` in its own process group and wait (at most `timeout` s) until JupyterLab answers at `url`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = LabServer(url, token, proc, log, Path(env["JUPYTER_RUNTIME_DIR"]))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            server.api("GET", "/api/status", timeout=5)
            return server
        except (OSError, RuntimeError):
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"JupyterLab did not answer at {url} within {timeout:.0f} s:\n{server.log_tail()}")


def start_learner_lab(base: Path, *, idle_shutdown: int = 600) -> LabServer:
    """JupyterLab as `make lab` runs it (learner config path first), in fresh folders under `base`."""
    port, token = free_port(), secrets.token_hex(16)
    env = learner_env(jupyter_home(base))
    env["JUPYTER_CONFIG_PATH"] = str(LEARNER_CONFIG)
    return start(lab_command(port, token, idle_shutdown=idle_shutdown), env, f"http://127.0.0.1:{port}", token, base / "lab.log")
