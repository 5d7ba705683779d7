"""The `kmscourse` command: one clear sentence for bad input, and a foreground emulator a shell can use."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from support import BIN, ROOT, clean_env, foreground_emulator, free_port, interrupt


def _kmscourse(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "kmscourse"), *args], capture_output=True, text=True, env=clean_env(**env), cwd=ROOT, timeout=120)


def _one_sentence(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_port_in_use_is_one_sentence() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = _one_sentence(_kmscourse("emulator", "--port", str(port)))
    assert f"Port {port} on 127.0.0.1 is already in use" in line and "--port" in line


def test_unknown_backend_is_one_sentence() -> None:
    line = _one_sentence(_kmscourse("preflight", KMSCOURSE_BACKEND="azure"))
    assert "KMSCOURSE_BACKEND is 'azure'" in line


def test_outside_the_installed_environment_is_one_sentence() -> None:
    """A Python without the course's packages gets told to run `make lab`, not an ImportError traceback."""
    code = "import sys; sys.path.insert(0, 'src'); from kmscourse.cli import main; sys.exit(main(['preflight']))"
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, cwd=ROOT, env=clean_env(), timeout=60)
    line = _one_sentence(proc)
    assert "is not the course environment" in line and "make lab" in line


def test_outside_the_course_folder_is_one_sentence(tmp_path) -> None:
    proc = subprocess.run([str(BIN / "kmscourse"), "labs", "--check"], capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=60)
    assert "is not the course folder" in _one_sentence(proc)


def test_foreground_emulator_prints_exports_that_a_shell_can_use() -> None:
    """`kmscourse emulator` prints export lines; a separate AWS CLI process using them reaches the emulator."""
    port = free_port()
    proc, exports = foreground_emulator(port)
    try:
        assert set(exports) == {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                                "NO_PROXY", "no_proxy"}
        assert exports["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{port}"
        dead_proxy = f"http://127.0.0.1:{free_port()}"  # a proxy that answers nothing: a request sent there fails
        proxies = {"HTTP_PROXY": dead_proxy, "HTTPS_PROXY": dead_proxy, "http_proxy": dead_proxy, "https_proxy": dead_proxy}
        env = clean_env(**exports, **proxies, HOME=os.environ.get("HOME", "/tmp"))
        who = subprocess.run([str(BIN / "aws"), "sts", "get-caller-identity"], capture_output=True, text=True, env=env, timeout=60)
        assert json.loads(who.stdout)["Arn"] == "arn:aws:iam::123456789012:user/learner", who.stderr
        without_bypass = {k: v for k, v in env.items() if k.lower() != "no_proxy"}
        costs = subprocess.run([str(BIN / "kmscourse"), "costs"], capture_output=True, text=True, env=without_bypass, cwd=ROOT, timeout=120)
        assert costs.returncode == 0 and "Traceback" not in costs.stderr, costs.stderr[-2000:]
    finally:
        _, stderr = interrupt(proc)
    assert proc.returncode == 0
    assert "Traceback" not in stderr


def test_options_lists_every_variable_and_docs_match() -> None:
    """`kmscourse options` prints the settings table, and docs/configuration.md carries the same table."""
    from kmscourse import settings

    out = _kmscourse("options").stdout
    assert out == settings.markdown_table()
    assert settings.markdown_table() in (ROOT / "docs" / "configuration.md").read_text()
    assert "make docs" in (ROOT / "docs" / "configuration.md").read_text()
