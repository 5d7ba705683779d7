"""`make lab` serves JupyterLab on the course: start it, GET /lab with its token, expect 200 and lesson 00's deep link, stop it."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

from support import ROOT, clean_env, free_port


def test_make_lab_serves_jupyterlab() -> None:
    port, token = free_port(), "kmscourse-test-token"
    args = f"--no-browser --port {port} --ServerApp.token={token} --ServerApp.ip=127.0.0.1"
    proc = subprocess.Popen(["make", "-s", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=clean_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    status, deadline = None, time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = opener.open(f"http://127.0.0.1:{port}/lab?token={token}", timeout=5).status
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    log = proc.stderr.read().decode() if proc.stderr else ""
    assert status == 200, log[-2000:] or "no output"
    # With no browser to open, the link JupyterLab prints is lesson 00's deep link.
    assert f"127.0.0.1:{port}/lab/tree/notebooks/00-setup-and-orientation.ipynb?token=" in log, log[-2000:]
