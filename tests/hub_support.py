"""A real JupyterHub on 127.0.0.1 for the workshop tests: workshop/jupyterhub_config.py, local sign-in, stopped by PID."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import BIN, ROOT, free_port

HUB_CONFIG = ROOT / "workshop" / "jupyterhub_config.py"
PASSWORD = "kmscourse-workshop-test-password"
"""Everyone's password under the test's DummyAuthenticator."""

_OVERRIDES = """
c = get_config()  # noqa: F821
load_subconfig({workshop!r})  # noqa: F821 (the workshop's own file, then only what a test machine needs)
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/home/{{username}}"
c.Spawner.args = {args!r}
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment.update({{"KMSCOURSE_CHECKS_STRICT": "0", "PATH": {path!r}, "JUPYTER_CONFIG_PATH": {learner_config!r}}})
c.JupyterHub.services.append({{"name": "harness", "api_token": {token!r}}})
c.JupyterHub.load_roles.append({{"name": "harness", "services": ["harness"],
    "scopes": ["admin:users", "admin:servers", "admin:groups", "tokens", "access:services", "access:servers", "read:users"]}})
"""


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def descendants(pid: int) -> set[int]:
    """Every live process below `pid`, found by walking /proc's parent links."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@dataclass
class Hub:
    """A running JupyterHub: its public URL, the harness's admin token, its process and every PID seen below it."""

    url: str
    token: str
    proc: subprocess.Popen[bytes]
    base: Path
    service_port: int
    seen: set[int] = field(default_factory=set)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None, raw: bytes | None = None,
                timeout: float = 60) -> tuple[int, Any]:
        """Send a request through the proxy with a token; the status and the parsed JSON (or text) answer."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers={
            "Authorization": f"token {token or self.token}", "Content-Type": "application/json"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=timeout) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        try:
            return status, json.loads(payload) if payload else None
        except ValueError:
            return status, payload.decode(errors="replace")

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        """Call the hub's REST API; the JSON answer, or an error naming the status."""
        status, answer = self.request(method, f"/hub/api{path}", body, token)
        if status >= 400:
            raise RuntimeError(f"{method} /hub/api{path} answered {status}: {answer}")
        return answer

    def api_user(self, user: str, method: str, path: str, body: Any = None) -> Any:
        """Call `user`'s Jupyter server API through the proxy (the harness may access every server)."""
        status, answer = self.request(method, f"/user/{user}{path}", body)
        if status >= 400:
            raise RuntimeError(f"{method} /user/{user}{path} answered {status}: {answer}")
        return answer

    def add_learner(self, name: str, groups: tuple[str, ...] = ()) -> str:
        """Create a hub user (optionally in groups) and return a token of theirs that may use the progress service."""
        self.api("POST", f"/users/{name}")
        for group in groups:
            if self.request("POST", f"/hub/api/groups/{group}")[0] not in (201, 409):
                raise RuntimeError(f"could not create group {group}")
            self.api("POST", f"/groups/{group}/users", {"users": [name]})
        made = self.api("POST", f"/users/{name}/tokens", {"scopes": ["access:services!service=kmscourse"], "note": "test"})
        return str(made["token"])

    def spawn(self, names: list[str], timeout: float = 180) -> None:
        """Ask the hub to start these learners' servers (all at once) and wait until every one is ready."""
        with ThreadPoolExecutor(max_workers=len(names)) as pool:  # the hub answers a spawn only once it is up (or slow)
            answers = list(pool.map(lambda n: self.request("POST", f"/hub/api/users/{n}/server", timeout=timeout), names))
        for name, (status, answer) in zip(names, answers, strict=True):
            if status not in (201, 202):
                raise RuntimeError(f"spawning {name} answered {status}: {answer}")
        waiting, deadline = set(names), time.monotonic() + timeout
        while waiting and time.monotonic() < deadline:
            waiting = {n for n in waiting if not (self.api("GET", f"/users/{n}").get("servers") or {}).get("", {}).get("ready")}
            self.remember()
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(f"servers of {sorted(waiting)} were not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def remember(self) -> None:
        """Note every process now below the hub (proxy, services, learner servers, kernels) for the final check."""
        if self.proc.poll() is None:
            self.seen |= descendants(self.proc.pid)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the hub's log."""
        log = self.base / "hub.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def stop(self, wait: float = 60) -> list[int]:
        """Stop the hub with SIGTERM (it stops the proxy, services and servers); return the PIDs still alive after `wait` s.

        Whatever is still alive then is killed, so a failed test leaves nothing behind either.
        """
        self.remember()
        pids = {self.proc.pid} | self.seen
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
            time.sleep(0.2)
        left = sorted(pid for pid in pids if _alive(pid))
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.poll()
        return left


def start_hub(base: Path, timeout: float = 90) -> Hub:
    """Start JupyterHub with the workshop's config in folders under `base`, and wait until its API answers."""
    base.mkdir(parents=True, exist_ok=True)
    port, service_port, token = free_port(), free_port(), secrets.token_hex(24)
    config = _OVERRIDES.format(
        workshop=str(HUB_CONFIG), port=port, hub_port=free_port(), proxy_api_port=free_port(), proxy=str(BIN / "configurable-http-proxy"),
        base=base, password=PASSWORD, token=token, singleuser=str(BIN / "jupyterhub-singleuser"),
        learner_config=str(ROOT / "etc" / "jupyter"), args=["--allow-root"] if os.getuid() == 0 else [], path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    (base / "jupyterhub_config.py").write_text(config)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KMSCOURSE_", "JUPYTER", "IPYTHON"))}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", KMSCOURSE_SERVICE_PORT=str(service_port),
               KMSCOURSE_SERVICE_DIR=str(base / "service"), KMSCOURSE_SERVICE_PYTHON=str(BIN / "python"),
               KMSCOURSE_IDLE_TIMEOUT="600")
    with (base / "hub.log").open("wb") as log:
        proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(base / "jupyterhub_config.py")], cwd=base, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", token, proc, base, service_port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        status, _ = hub.request("GET", "/hub/api/", timeout=5) if _answers(port) else (0, None)
        if status == 200 and hub.request("GET", "/services/kmscourse/api/dashboard", timeout=5)[0] == 403:
            hub.remember()
            return hub
        time.sleep(0.5)
    left = hub.stop()
    raise RuntimeError(f"JupyterHub did not come up within {timeout:.0f} s (left {left}):\n{hub.log_tail()}")


def _answers(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0
