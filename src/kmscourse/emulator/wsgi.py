"""Small WSGI helpers shared by the course's middleware: read a request, answer with an AWS JSON error."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable

StartResponse = Callable[..., Any]


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
        auth = self.environ.get("HTTP_AUTHORIZATION", "")
        marker = "Credential="
        if marker not in auth:
            return None
        return auth.split(marker, 1)[1].split("/", 1)[0]

    def json(self) -> dict[str, Any]:
        """The body as JSON (an empty dict when it is not)."""
        try:
            value = json.loads(self.body or b"{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


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
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    ).encode()
    start_response(f"{status} Error", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]
