"""The one request object every pipeline step shares, read once and bounded, and buffered responses."""
from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from kmsemu.errors import AwsError

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


MAX_BODY = 64 * 1024 * 1024
"""The largest body the emulator reads (64 MiB); larger requests are refused before anything else runs."""

_ENVIRON_KEY = "kmsemu.request"


def framing_error(message: str, status: int = 400) -> AwsError:
    """A request whose framing (length, encoding) is wrong: refused before it is authenticated."""
    return AwsError("BadRequest" if status == 400 else "RequestEntityTooLarge", message, status)


@dataclass
class Request:
    """One request as the pipeline sees it: the body read once, then what authentication and identification found."""

    environ: dict[str, Any]
    body: bytes
    service: str | None = None
    """The service the request is for (its SigV4 signing name), once authenticated."""
    operation: str | None = None
    """The operation (`Decrypt`, `AttachUserPolicy`, `GetObject`), once identified."""
    protocol: str = "json"
    """How errors are answered: json, query or s3 (kmsemu.errors.PROTOCOLS)."""
    caller: Any = None
    """The principal (kmsemu.iam.principals.Caller) the request is attributed to, once authenticated."""

    @classmethod
    def read(cls, environ: dict[str, Any], limit: int = MAX_BODY) -> Request:
        """Read the body once, bounded; bad framing raises AwsError (a 4xx), never reaches moto."""
        raw = environ.get("CONTENT_LENGTH") or ""
        stream = environ.get("wsgi.input") or io.BytesIO()
        if raw.strip() and environ.get("wsgi.input_terminated"):
            # Both framings at once is how requests are smuggled past a proxy (RFC 9112 section 6.1): refuse it.
            raise framing_error("A request may not have both Content-Length and Transfer-Encoding: chunked.")
        if raw.strip():
            if not raw.strip().isdigit():
                raise framing_error("The Content-Length header must be a non-negative whole number of bytes.")
            length = int(raw)
            if length > limit:
                raise framing_error(f"The request body is larger than the {limit // (1024 * 1024)} MiB this emulator accepts.", 413)
            body = stream.read(length) if length else b""
            if len(body) != length:
                raise framing_error("The request body is shorter than its Content-Length header says.")
        elif environ.get("wsgi.input_terminated"):  # chunked transfer: read to the end, bounded
            body = _read_chunked(stream, limit)
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        request = cls(environ, body)
        environ[_ENVIRON_KEY] = request
        return request

    @classmethod
    def of(cls, environ: dict[str, Any]) -> Request:
        """The request the pipeline already read for this environ (read now when a step runs alone, as in tests)."""
        found = environ.get(_ENVIRON_KEY)
        return found if isinstance(found, Request) else cls.read(environ)

    def replace_body(self, body: bytes) -> None:
        """Hand moto a different body (for example a normalised KeyId)."""
        self.body = body
        self.environ["wsgi.input"] = io.BytesIO(body)
        self.environ["CONTENT_LENGTH"] = str(len(body))

    @property
    def target(self) -> str:
        """The X-Amz-Target header, such as `TrentService.Encrypt` for KMS JSON calls."""
        return self.environ.get("HTTP_X_AMZ_TARGET", "")

    @property
    def kms_operation(self) -> str | None:
        """The KMS operation name (`Encrypt`), or None when this is not a KMS call."""
        if self.operation is not None:
            return self.operation if self.service == "kms" else None
        service, _, op = self.target.partition(".")
        return op if service == "TrentService" else None

    @property
    def access_key_id(self) -> str | None:
        """The access key id from a SigV4 Authorization header, or None."""
        scope = self.credential_scope
        return scope[0] if scope else None

    @property
    def credential_scope(self) -> list[str]:
        """The SigV4 credential scope [key, date, region, service, ...] from the header or a presigned URL."""
        auth = self.environ.get("HTTP_AUTHORIZATION", "")
        if "Credential=" in auth:
            return auth.split("Credential=", 1)[1].split(",", 1)[0].strip().split("/")
        query = parse_qs(self.environ.get("QUERY_STRING", ""))
        credential = query.get("X-Amz-Credential", [""])[0]
        return credential.split("/") if credential else []

    @property
    def region(self) -> str | None:
        """The region the request was signed for, or None."""
        scope = self.credential_scope
        return scope[2] if len(scope) > 3 else None

    @property
    def signed_service(self) -> str | None:
        """The service the request was signed for (`kms`, `s3`, ...), or None."""
        scope = self.credential_scope
        return scope[3] if len(scope) > 3 else None

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string, parsed (blank values kept, as S3 sub-resources like `?encryption` have none)."""
        return parse_qs(self.environ.get("QUERY_STRING", ""), keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """A request header by its HTTP name (`x-amz-server-side-encryption`), or None."""
        key = name.upper().replace("-", "_")
        return self.environ.get(key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key)

    def set_header(self, name: str, value: str | None) -> None:
        """Set (or with None, remove) a request header before the next app sees it."""
        key = "HTTP_" + name.upper().replace("-", "_")
        if value is None:
            self.environ.pop(key, None)
        else:
            self.environ[key] = value

    def json(self) -> dict[str, Any]:
        """The body as JSON (an empty dict when it is not, or is nested too deep to read)."""
        try:
            value = json.loads(self.body or b"{}")
        except (ValueError, RecursionError):
            return {}
        return value if isinstance(value, dict) else {}

    def form(self) -> dict[str, str]:
        """A query-protocol request's parameters: the form body, else the query string (first value of each)."""
        text = self.body.decode("utf-8", "replace") if self.body else self.environ.get("QUERY_STRING", "")
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


@dataclass
class Response:
    """A buffered response from the next app, which a middleware may inspect or change before sending."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def status_code(self) -> int:
        """The numeric HTTP status."""
        return int(self.status.split(" ", 1)[0])

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def set_json(self, value: Any) -> None:
        """Replace the body with a JSON document."""
        self.body = json.dumps(value).encode()

    def send(self, start_response: StartResponse) -> Iterable[bytes]:
        """Answer with this response (Content-Length recomputed)."""
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        start_response(self.status, headers + [("Content-Length", str(len(self.body)))])
        return [self.body]


def call(app: WSGIApp, environ: dict[str, Any]) -> Response:
    """Run the next app and buffer its whole response."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return Response(captured["status"], captured["headers"], body)


def json_response(start_response: StartResponse, value: Any) -> Iterable[bytes]:
    """Answer 200 with a JSON-protocol body (KMS)."""
    return Response("200 OK", [("Content-Type", "application/x-amz-json-1.1")], json.dumps(value).encode()).send(
        start_response
    )


_PIECE = 64 * 1024


def _read_chunked(stream: Any, limit: int) -> bytes:
    """A chunked body read to its end in 64 KiB pieces, at most `limit` bytes; bad framing is a 4xx.

    Never `stream.read(n)`: werkzeug's DechunkedInput shrinks the buffer it is given when a chunk is cut short, and
    io.RawIOBase.read then copies as many bytes as readinto claimed, past the buffer's end (a chunk header larger
    than `limit` with a short body crashed the whole process). Into a memoryview of fixed size a short piece raises
    instead of shrinking anything.
    """
    pieces: list[bytes] = []
    total = 0
    while True:
        buffer = bytearray(_PIECE)
        try:
            count = stream.readinto(memoryview(buffer))
        except (OSError, ValueError):
            raise framing_error("The chunked request body is malformed or cut short.") from None
        if not count:
            return b"".join(pieces)
        total += count
        if total > limit:
            raise framing_error(f"The request body is larger than the {limit // (1024 * 1024)} MiB this emulator accepts.", 413)
        pieces.append(bytes(buffer[:count]))
