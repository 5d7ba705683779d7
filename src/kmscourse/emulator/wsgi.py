"""Small WSGI helpers shared by the course's middleware: read a request, answer with an AWS JSON error."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass
class Request:
    """The parts of a request the course layer looks at; the body is buffered and put back for moto."""

    environ: dict[str, Any]
    body: bytes

    @classmethod
    def read(cls, environ: dict[str, Any]) -> "Request":
        """Buffer the body and rewind it, so the next app can still read it."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return cls(environ, body)

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
    def service(self) -> str | None:
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
        """The body as JSON (an empty dict when it is not)."""
        try:
            value = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


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


def json_error(start_response: StartResponse, code: str, message: str, status: int = 400) -> Iterable[bytes]:
    """Answer as an AWS JSON-protocol service does (KMS): `__type` and `message`."""
    body = json.dumps({"__type": code, "message": message}).encode()
    start_response(
        f"{status} {'Bad Request' if status == 400 else 'Error'}",
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body))),
         ("x-amzn-ErrorType", code)],
    )
    return [body]


def xml_error(start_response: StartResponse, code: str, message: str, status: int = 400) -> Iterable[bytes]:
    """Answer as S3 does: an XML <Error> document."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>'
    ).encode()
    start_response(f"{status} Error", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]
