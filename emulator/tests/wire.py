"""Raw-HTTP helpers shared by test_security.py and test_fuzz_wire.py.

Requests are signed with botocore's own SigV4 signers (so a signature is exactly what an SDK would send) and sent
with http.client or a bare socket, so a test controls every header, the body and the framing: a body other than
the one signed, an X-Amz-Date a year ago, `Content-Length: -5`.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import http.client
import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials as BotoCredentials

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
TIMEOUT = 5.0
"""Seconds any one socket may wait; a server that does not answer within it fails the test instead of hanging it."""

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"


# --- answers -------------------------------------------------------------------------------------------------------

@dataclass
class Reply:
    """One HTTP answer: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON, or None."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def code(self) -> str:
        """The AWS error code, whatever the protocol: JSON `__type` (without a `prefix#`), or XML `<Code>`."""
        doc = self.json()
        if isinstance(doc, dict) and isinstance(doc.get("__type"), str):
            return doc["__type"].rsplit("#", 1)[-1]
        match = re.search(rb"<Code>(.*?)</Code>", self.body, re.DOTALL)
        if match:
            return match.group(1).decode("utf-8", "replace").strip()
        return self.headers.get("x-amzn-errortype", "").split(":", 1)[0]

    @property
    def message(self) -> str:
        """The AWS error message, whatever the protocol."""
        doc = self.json()
        if isinstance(doc, dict):
            for key in ("message", "Message"):
                if isinstance(doc.get(key), str):
                    return doc[key]
        match = re.search(rb"<Message>(.*?)</Message>", self.body, re.DOTALL)
        return match.group(1).decode("utf-8", "replace") if match else ""

    def __str__(self) -> str:
        body = self.text
        if len(body) > 600:
            body = body[:600] + f"... ({len(self.body)} bytes)"
        return f"HTTP {self.status} code={self.code!r} body={body!r}"


# --- signing -------------------------------------------------------------------------------------------------------

class _Signer(SigV4Auth):
    """botocore's SigV4 signer; `request.context['payload_hash']` replaces the payload hash when set."""

    def payload(self, request: AWSRequest) -> str:
        return request.context.get("payload_hash") or super().payload(request)


class _S3Signer(S3SigV4Auth):
    """botocore's S3 signer (sends x-amz-content-sha256, path not normalised); same payload-hash override."""

    def payload(self, request: AWSRequest) -> str:
        return request.context.get("payload_hash") or super().payload(request)


@contextlib.contextmanager
def frozen_time(when: dt.datetime | None) -> Iterator[None]:
    """While inside, botocore signs as if the UTC time were `when` (None: the real time)."""
    if when is None:
        yield
        return
    naive = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
    with mock.patch("botocore.auth.get_current_datetime", lambda *args, **kwargs: naive):
        yield


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Signed:
    """A signed request, ready to send (possibly after a test changes it)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def send(self, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
        """Send as signed, or with another body / extra headers (Content-Length always matches what is sent)."""
        sent_headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
        sent_headers.update(headers or {})
        return send(self.url, self.method, self.path, sent_headers, self.body if body is None else body)


def _key_pair(creds: Any) -> tuple[str, str]:
    if isinstance(creds, tuple):
        return creds[0], creds[1]
    return creds.access_key_id, creds.secret_access_key


def sign(creds: Any, method: str, url: str, service: str, *, headers: dict[str, str] | None = None,
         body: bytes = b"", region: str = REGION, when: dt.datetime | None = None,
         payload_hash: str | None = None) -> Signed:
    """Sign a request as botocore would, for `service` in `region`, at time `when` (default now).

    `creds`: a kmsemu Credentials or an (access key id, secret) tuple. `payload_hash`: the x-amz-content-sha256
    value to sign instead of the body's hash (for example UNSIGNED-PAYLOAD).
    """
    key, secret = _key_pair(creds)
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    if payload_hash:
        request.context["payload_hash"] = payload_hash
    signer = (_S3Signer if service == "s3" else _Signer)(BotoCredentials(key, secret), service, region)
    with frozen_time(when):
        signer.add_auth(request)
    signed_headers = {k: v for k, v in request.headers.items()}
    if not any(k.lower() == "host" for k in signed_headers):
        signed_headers["Host"] = urlsplit(url).netloc
    return Signed(method, url, signed_headers, body)


def kms(creds: Any, base_url: str, operation: str, payload: Any = None, *, target: str | None = None,
        **sign_options: Any) -> Signed:
    """A KMS JSON-protocol request: POST / with `X-Amz-Target: TrentService.<operation>` (or `target`)."""
    body = payload if isinstance(payload, bytes) else json.dumps({} if payload is None else payload).encode()
    headers = {"Content-Type": JSON_CONTENT_TYPE, "X-Amz-Target": target or f"TrentService.{operation}"}
    headers.update(sign_options.pop("headers", {}) or {})
    sign_options.setdefault("service", "kms")
    return sign(creds, "POST", base_url.rstrip("/") + "/", headers=headers, body=body, **sign_options)


def query(creds: Any, base_url: str, service: str, action: str, params: dict[str, str] | None = None, *,
          version: str | None = None, **sign_options: Any) -> Signed:
    """A query-protocol request (IAM, STS): POST / with a form body `Action=...&Version=...`."""
    versions = {"iam": "2010-05-08", "sts": "2011-06-15"}
    form = {"Action": action, "Version": version or versions.get(service, "2010-05-08"), **(params or {})}
    return sign(creds, "POST", base_url.rstrip("/") + "/", service, headers={"Content-Type": FORM_CONTENT_TYPE},
                body=urlencode(form).encode(), **sign_options)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- sending -------------------------------------------------------------------------------------------------------

def send(base_url: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"", *,
         timeout: float = TIMEOUT) -> Reply:
    """Send exactly these headers (plus a matching Content-Length unless given) with http.client."""
    parts = urlsplit(base_url)
    headers = dict(headers or {})
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if not any(k.lower() == "host" for k in headers):
            conn.putheader("Host", parts.netloc)
        for name, value in headers.items():
            conn.putheader(name, value)
        if not any(k.lower() == "content-length" for k in headers):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


def unsigned(base_url: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> Reply:
    """A request with no Authorization header at all."""
    return send(base_url, method, path, headers, body)


def build_raw(method: str | bytes, path: str | bytes, headers: list[tuple[str | bytes, str | bytes]],
              body: bytes = b"", version: bytes = b"HTTP/1.1") -> bytes:
    """The bytes of an HTTP request, exactly as given (no Content-Length or Host added)."""
    def enc(value: str | bytes) -> bytes:
        return value if isinstance(value, bytes) else value.encode("latin-1", "replace")

    lines = [enc(method) + b" " + enc(path) + b" " + version]
    lines += [enc(name) + b": " + enc(value) for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class NoAnswer(AssertionError):
    """The server sent nothing within the timeout."""


def raw_exchange(base_url: str, data: bytes, *, timeout: float = TIMEOUT, half_close: bool = True) -> bytes:
    """Send raw bytes on a fresh socket and return whatever comes back (b"" if the server closes silently).

    `half_close`: shut our sending side after the request so a server waiting for more body sees end-of-file
    instead of waiting forever. Raises NoAnswer if nothing at all arrives within `timeout`.
    """
    parts = urlsplit(base_url)
    received = b""
    with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before reading all we send
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                if received:
                    return received
                raise NoAnswer(f"no answer within {timeout} s to {data[:200]!r}") from None
            except ConnectionResetError:
                return received
            if not chunk:
                return received
            received += chunk
            if _complete(received):
                return received


def _complete(data: bytes) -> bool:
    """True once a whole response (headers and Content-Length bytes of body) has arrived."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    match = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    return match is not None and len(body) >= int(match.group(1))


def parse_raw(data: bytes) -> Reply | None:
    """The Reply in raw response bytes, or None when there is no status line."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/\d(?:\.\d)?\s+(\d{3})", lines[0]) if lines and lines[0] else None
    if not match:
        return None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    return Reply(int(match.group(1)), headers, body)


def raw(base_url: str, data: bytes, **options: Any) -> Reply:
    """raw_exchange, parsed; an answer without a status line fails the calling test."""
    answer = raw_exchange(base_url, data, **options)
    reply = parse_raw(answer)
    if reply is None:
        raise AssertionError(f"no HTTP status line in the answer {answer[:300]!r} to {data[:300]!r}")
    return reply


# --- SDK clients ---------------------------------------------------------------------------------------------------

def client(creds: Any, service: str, base_url: str, region: str = REGION) -> Any:
    """A boto3 client for `service` on the emulator: no retries, 5 s timeouts, path-style S3."""
    import boto3

    key, secret = _key_pair(creds)
    config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=TIMEOUT,
                    read_timeout=TIMEOUT, signature_version="s3v4" if service == "s3" else None,
                    s3={"addressing_style": "path"})
    return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region).client(
        service, endpoint_url=base_url, config=config)


# --- a `kmsemu serve` process -----------------------------------------------------------------------------------------

@dataclass
class Served:
    """A running `kmsemu serve` process: its URL, the export lines it printed, and how to stop it (by PID)."""

    process: Any
    exports: dict[str, str]

    @property
    def url(self) -> str:
        """The endpoint it serves."""
        return self.exports["AWS_ENDPOINT_URL"]

    def stop(self) -> None:
        """Stop the process group by PID, and wait for it."""
        import os
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(10)


def serve(*args: str, executable: str | None = None, env: dict[str, str] | None = None, seconds: float = 60) -> Served:
    """Start `kmsemu serve --port 0 *args` (by default the one beside this Python) and read its export lines."""
    import os
    import subprocess
    import sys
    import threading
    from pathlib import Path

    command = executable or str(Path(sys.executable).parent / "kmsemu")
    process = subprocess.Popen([command, "serve", "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env or {k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
                               start_new_session=True)
    timer = threading.Timer(seconds, lambda: process.kill())  # bounded in time even if it never prints
    timer.start()
    exports: dict[str, str] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip().startswith("export "):
                name, _, value = line.strip()[len("export "):].partition("=")
                exports[name] = value
            if line.startswith("Press Ctrl+C"):
                break
    finally:
        timer.cancel()
    served = Served(process, exports)
    if "AWS_ENDPOINT_URL" not in exports:
        served.stop()
        raise AssertionError(f"kmsemu serve printed no endpoint; stderr: {process.stderr.read()[-2000:] if process.stderr else ''}")
    return served
