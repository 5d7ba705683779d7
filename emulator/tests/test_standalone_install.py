"""kmsemu installs and runs alone: a fresh venv with only `./emulator` installed serves `kmsemu serve`,
and boto3 (from that venv) and the AWS CLI make a KMS round trip against it.

The venv is filled by uv (`uv pip install`), which resolves the same package metadata as `pip install ./emulator`
in about a tenth of the time (5 s rather than 50 s here), so this check costs make test little.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import wire

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A clean environment: no AWS settings or proxies from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KMSCOURSE_", "KMSEMU_")) and "proxy" not in k.lower()}
    env.pop("VIRTUAL_ENV", None)
    return {**env, **(extra or {})}


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding kmsemu and what it depends on, nothing else."""
    where = tmp_path_factory.mktemp("kmsemu-alone") / "venv"
    venv.EnvBuilder(with_pip=False).create(where)
    _uv("install", "--quiet", "-c", str(ROOT / "constraints.txt"), str(ROOT / "emulator"), venv=where)
    return where


def _uv(*args: str, venv: Path) -> str:
    """`uv pip ARGS` for that venv (uv from the test extras, beside this interpreter); its output."""
    uv = shutil.which("uv", path=str(BIN))
    assert uv is not None, "uv is missing from the test extras (make .venv/.kmscourse-test-installed)"
    done = subprocess.run([uv, "pip", *args, "--python", str(venv / "bin" / "python")], check=True, env=_env(),
                          timeout=600, capture_output=True, text=True)
    return done.stdout


def test_standalone_venv_has_no_course_or_jupyter(standalone: Path) -> None:
    """Installing kmsemu alone brings neither the course nor Jupyter with it."""
    listing = _uv("list", "--format", "json", venv=standalone)
    names = {p["name"].lower() for p in json.loads(listing)}
    assert "kmsemu" in names and "moto" in names
    assert not names & {"kmscourse", "jupyterlab", "ipykernel", "nbclient", "jupyter-core", "notebook"}


def test_kmsemu_serve_answers_boto3_and_the_aws_cli(standalone: Path) -> None:
    """`kmsemu serve` prints export lines; boto3 and the AWS CLI encrypt and decrypt with them."""
    server = wire.serve(executable=str(standalone / "bin" / "kmsemu"), env=_env())
    try:
        exports = server.exports
        assert {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "NO_PROXY", "no_proxy"} <= set(exports)
        env = _env(exports)
        script = ("import boto3; k = boto3.client('kms'); key = k.create_key()['KeyMetadata']['Arn'];"
                  "ct = k.encrypt(KeyId=key, Plaintext=b'alone')['CiphertextBlob'];"
                  "print(k.decrypt(CiphertextBlob=ct)['Plaintext'].decode(), key)")
        out = subprocess.run([str(standalone / "bin" / "python"), "-c", script], check=True, capture_output=True,
                             text=True, env=env, timeout=60).stdout.split()
        assert out[0] == "alone"
        aws = shutil.which("aws", path=str(BIN))
        assert aws is not None, "the course venv's AWS CLI is missing"
        cli = subprocess.run([aws, "kms", "encrypt", "--key-id", out[1], "--plaintext", "fileb:///dev/stdin",
                              "--query", "CiphertextBlob", "--output", "text"], input=b"via the cli",
                             check=True, capture_output=True, env=env, timeout=60).stdout
        blob = subprocess.run(["base64", "-d"], input=cli, check=True, capture_output=True).stdout
        plain = subprocess.run([aws, "kms", "decrypt", "--ciphertext-blob", "fileb:///dev/stdin", "--query", "Plaintext",
                                "--output", "text"], input=blob, check=True, capture_output=True, env=env, timeout=60).stdout
        assert subprocess.run(["base64", "-d"], input=plain, check=True, capture_output=True).stdout == b"via the cli"
    finally:
        server.stop()
