"""KMS round trips per second, sequential, through kmsemu serve, bare moto_server and ministack (AUTH=true).

One round trip is an Encrypt of 64 bytes with the encryption context {"purpose": "bench"} followed by the
Decrypt of its ciphertext (checked to give the plaintext back), from one boto3 client per server, one call at a
time. `--operation sign` measures Sign+Verify (ECDSA_SHA_256 on an ECC_NIST_P256 key) of the 64 bytes instead,
and `--operation mac` GenerateMac+VerifyMac (HMAC_SHA_256 on an HMAC_256 key). Each server runs in its own subprocess on 127.0.0.1 and is stopped by PID in a `finally`:

1. `python -u -m kmsemu serve --port 0`, called with the IAM user and random access key it prints;
2. `moto_server -p PORT -H 127.0.0.1`, which accepts any credentials;
3. ministack with AUTH=true, from its own venv (it pins its own botocore) at $MINISTACK_VENV, default
   build/ministack-venv, skipped when not installed; called as an IAM user (inline policy Allow * on *),
   created with ministack's root key test/test, so its signature is checked and its policies evaluated.

A key is created on each server once, 20 round trips warm each client up, then rounds interleave the servers
(the order rotates every round) so all of them see the same machine load. Printed: a markdown table of the
median and range (min-max) of round trips/s per server over the rounds, and the ratios kmsemu/moto and
kmsemu/ministack of the medians, all from this one run. No target is checked: this is a measurement.

    .venv/bin/python emulator/benchmarks/throughput.py [--rounds 7] [--n 200] [--warmup 20] [--operation encrypt|sign|mac]
    python3 -m venv build/ministack-venv && build/ministack-venv/bin/pip install ministack   # optional, once
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
REGION = "us-east-1"
PLAINTEXT = bytes(range(64))
CONTEXT = {"purpose": "bench"}
MINISTACK_ROOT = ("test", "test")  # ministack's root key and secret under AUTH=true, unless its env sets others
INSTALL_HINT = "python3 -m venv build/ministack-venv && build/ministack-venv/bin/pip install ministack"
EXPORT = re.compile(r"^\s*export (AWS_[A-Z_]+)=(\S+)\s*$")


@dataclass
class Server:
    """One server subprocess, the endpoint it serves and the credentials the benchmark calls it with."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    url: str = ""
    access_key: str = "bench"
    secret_key: str = "bench"
    region: str = REGION

    def failure(self, what: str) -> RuntimeError:
        """An error naming the server, what went wrong and the last lines it printed."""
        lines = self.log.read_text(errors="replace").splitlines()[-30:] if self.log.exists() else []
        tail = "\n".join(f"    {line}" for line in lines) or "    (no output)"
        return RuntimeError(f"{self.name}: {what} (exit code {self.proc.poll()}); its last output:\n{tail}")

    def client(self) -> Any:
        """A boto3 KMS client for this server: no retries, bounded timeouts."""
        session = boto3.session.Session(aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
                                        region_name=self.region)
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
        return session.client("kms", endpoint_url=self.url, config=config)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def spawn(name: str, argv: list[str], logs: Path, env: dict[str, str] | None = None) -> Server:
    """Start one server subprocess in its own session, stdout and stderr to a log file (a pipe could fill up)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**base, "PYTHONUNBUFFERED": "1", **(env or {})}, start_new_session=True)
    return Server(name, proc, log)


def stop(server: Server) -> None:
    """Terminate the subprocess by its PID, then kill it if it has not exited within 10 s."""
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(10)


def wait_http(server: Server, path: str, deadline: float) -> None:
    """Wait until the server answers an HTTP GET on path (any status), or fail at the deadline."""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise server.failure("exited before answering")
        try:
            urllib.request.urlopen(server.url + path, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise server.failure(f"did not answer {path} in time")


def start_kmsemu(logs: Path, timeout: float) -> Server:
    """`kmsemu serve --port 0`, its URL and the printed user's credentials parsed from its stdout."""
    server = spawn("kmsemu", [sys.executable, "-u", "-m", "kmsemu", "serve", "--port", "0", "--user", "bench",
                              "--region", REGION], logs)
    deadline = time.monotonic() + timeout
    found: dict[str, str] = {}
    wanted = {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"}
    try:
        with server.log.open(errors="replace") as printed:
            pending = ""
            while not wanted <= found.keys():
                if time.monotonic() > deadline:
                    raise server.failure(f"printed no {', '.join(sorted(wanted - found.keys()))} in {timeout:.0f} s")
                pending += printed.readline()
                if not pending.endswith("\n"):
                    if server.proc.poll() is not None:
                        raise server.failure("exited before printing its endpoint")
                    time.sleep(0.05)
                    continue
                if match := EXPORT.match(pending):
                    found[match[1]] = match[2]
                pending = ""
        server.url, server.region = found["AWS_ENDPOINT_URL"], found["AWS_DEFAULT_REGION"]
        server.access_key, server.secret_key = found["AWS_ACCESS_KEY_ID"], found["AWS_SECRET_ACCESS_KEY"]
        wait_http(server, "/", deadline)
    except BaseException:
        stop(server)
        raise
    return server


def console_script(name: str, module: str) -> list[str]:
    """The console script next to this interpreter, else `python -m module`."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


def start_moto(logs: Path, timeout: float) -> Server:
    """Bare `moto_server` on a free port (no authentication: any credentials work)."""
    port = free_port()
    server = spawn("moto", [*console_script("moto_server", "moto.server"), "-p", str(port), "-H", HOST], logs)
    server.url = f"http://{HOST}:{port}"
    try:
        wait_http(server, "/moto-api/", time.monotonic() + timeout)
    except BaseException:
        stop(server)
        raise
    return server


def ministack_venv() -> Path:
    """Where ministack's own venv is looked for: $MINISTACK_VENV, else build/ministack-venv in the repo."""
    return Path(os.environ.get("MINISTACK_VENV") or REPO / "build" / "ministack-venv")


def start_ministack(venv: Path, logs: Path, timeout: float) -> Server:
    """ministack with AUTH=true on a free port, and an IAM user (Allow * on *) created with its root key."""
    port = free_port()
    server = spawn("ministack", [str(venv / "bin" / "ministack")], logs,
                   {"AUTH": "true", "GATEWAY_PORT": str(port), "BIND_HOST": HOST, "LOG_LEVEL": "WARNING"})
    server.url = f"http://{HOST}:{port}"
    try:
        wait_http(server, "/_ministack/health", time.monotonic() + timeout)
        root = boto3.session.Session(aws_access_key_id=MINISTACK_ROOT[0], aws_secret_access_key=MINISTACK_ROOT[1],
                                     region_name=REGION)
        iam = root.client("iam", endpoint_url=server.url, config=Config(retries={"total_max_attempts": 1}))
        iam.create_user(UserName="bench")
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.put_user_policy(UserName="bench", PolicyName="everything", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="bench")["AccessKey"]
        server.access_key, server.secret_key = key["AccessKeyId"], key["SecretAccessKey"]
    except BaseException:
        stop(server)
        raise
    return server


def encrypt_round_trip(kms: Any, key_id: str) -> None:
    """Encrypt, then Decrypt and check the plaintext comes back."""
    blob = kms.encrypt(KeyId=key_id, Plaintext=PLAINTEXT, EncryptionContext=CONTEXT)["CiphertextBlob"]
    if kms.decrypt(CiphertextBlob=blob, EncryptionContext=CONTEXT)["Plaintext"] != PLAINTEXT:
        raise RuntimeError("Decrypt did not return the plaintext")


def sign_round_trip(kms: Any, key_id: str) -> None:
    """Sign, then Verify the signature."""
    signature = kms.sign(KeyId=key_id, Message=PLAINTEXT, SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    if not kms.verify(KeyId=key_id, Message=PLAINTEXT, Signature=signature, SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]:
        raise RuntimeError("Verify did not accept the signature")


def mac_round_trip(kms: Any, key_id: str) -> None:
    """GenerateMac, then VerifyMac the MAC."""
    mac = kms.generate_mac(KeyId=key_id, Message=PLAINTEXT, MacAlgorithm="HMAC_SHA_256")["Mac"]
    if not kms.verify_mac(KeyId=key_id, Message=PLAINTEXT, MacAlgorithm="HMAC_SHA_256", Mac=mac)["MacValid"]:
        raise RuntimeError("VerifyMac did not accept the MAC")


OPERATIONS: dict[str, tuple[str, dict[str, str], Any]] = {
    "encrypt": ("Encrypt+Decrypt", {}, encrypt_round_trip),
    "sign": ("Sign+Verify", {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}, sign_round_trip),
    "mac": ("GenerateMac+VerifyMac", {"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"}, mac_round_trip),
}
"""Each --operation: its label, the CreateKey parameters of its key, and one round trip."""


def round_trips(kms: Any, key_id: str, n: int, operation: str = "encrypt") -> float:
    """Do n sequential round trips of the operation and return how many per second."""
    one = OPERATIONS[operation][2]
    start = time.perf_counter()
    for _ in range(n):
        one(kms, key_id)
    return n / (time.perf_counter() - start)


def measure(servers: list[Server], rounds: int, n: int, warmup: int, operation: str = "encrypt") -> dict[str, list[float]]:
    """Round trips/s per server and round: one key each, a warm-up, then rounds with the order rotated each time."""
    clients = {s.name: s.client() for s in servers}
    keys = {name: kms.create_key(Description="throughput benchmark", **OPERATIONS[operation][1])["KeyMetadata"]["KeyId"]
            for name, kms in clients.items()}
    for name, kms in clients.items():
        round_trips(kms, keys[name], warmup, operation)
    rates: dict[str, list[float]] = {name: [] for name in clients}
    names = list(clients)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            rates[name].append(round_trips(clients[name], keys[name], n, operation))
        print(f"  round {r + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.0f}/s" for k, v in rates.items()), flush=True)
    return rates


def report(rates: dict[str, list[float]], rounds: int, n: int, operation: str = "encrypt") -> str:
    """The markdown table of medians and ranges, and the kmsemu ratios."""
    label = {"kmsemu": "kmsemu serve", "moto": "moto_server (bare)", "ministack": "ministack (AUTH=true)"}
    medians = {name: statistics.median(values) for name, values in rates.items()}
    detail = "64 B, encryption context" if operation == "encrypt" else "64 B message"
    lines = [f"{rounds} rounds x {n} sequential {OPERATIONS[operation][0]} round trips per server ({detail})",
             "", "| server | median round trips/s | range (min-max) | kmsemu / this |", "| --- | ---: | ---: | ---: |"]
    for name, values in rates.items():
        versus = f"{medians['kmsemu'] / medians[name]:.2f}x" if "kmsemu" in medians else "-"
        lines.append(f"| {label.get(name, name)} | {medians[name]:.0f} | {min(values):.0f}-{max(values):.0f} "
                     f"| {versus} |")
    lines.append("")
    for other in ("moto", "ministack"):
        if "kmsemu" in medians and other in medians:
            paired = [mine / theirs for mine, theirs in zip(rates["kmsemu"], rates[other], strict=True)]
            lines.append(f"kmsemu/{other}: {medians['kmsemu'] / medians[other]:.2f} (ratio of medians; "
                         f"per-round ratios {min(paired):.2f}-{max(paired):.2f}, median {statistics.median(paired):.2f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Start the servers, measure, print the table, and stop every server whatever happened."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds per server (default 7)")
    parser.add_argument("--n", type=int, default=200, help="round trips per server and round (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="round trips per server before timing (default 20)")
    parser.add_argument("--operation", default="encrypt", choices=list(OPERATIONS),
                        help="the round trip: encrypt (Encrypt+Decrypt, default), sign (Sign+Verify), mac (GenerateMac+VerifyMac)")
    parser.add_argument("--startup-timeout", type=float, default=90.0, help="seconds a server may take to start")
    parser.add_argument("--skip", action="append", default=[], choices=["kmsemu", "moto", "ministack"],
                        help="leave a server out (repeatable)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a terminated run still stops its servers
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), HOST, "localhost"]))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = no_proxy  # loopback never goes through a proxy

    venv = ministack_venv()
    if "ministack" not in args.skip and not (venv / "bin" / "ministack").exists():
        print(f"ministack: not installed ({INSTALL_HINT})")
        args.skip.append("ministack")
    starters = {"kmsemu": start_kmsemu, "moto": start_moto, "ministack": lambda logs, t: start_ministack(venv, logs, t)}
    print(f"python {platform.python_version()}, boto3 {boto3.__version__}, botocore {botocore.__version__}, "
          f"{os.cpu_count()} cores", flush=True)
    servers: list[Server] = []
    logs = Path(tempfile.mkdtemp(prefix="kmsemu-throughput-"))
    try:
        for name, start in starters.items():
            if name not in args.skip:
                began = time.monotonic()
                servers.append(start(logs, args.startup_timeout))
                print(f"  {name}: serving on {servers[-1].url} (PID {servers[-1].proc.pid}, "
                      f"ready in {time.monotonic() - began:.1f} s)", flush=True)
        if not servers:
            print("no server to measure")
            return 1
        rates = measure(servers, args.rounds, args.n, args.warmup, args.operation)
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(logs, ignore_errors=True)
    print()
    print(report(rates, args.rounds, args.n, args.operation))
    return 0


if __name__ == "__main__":
    sys.exit(main())
