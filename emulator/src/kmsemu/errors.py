"""The emulator's two error types: AwsError, an AWS error answer rendered in the caller's protocol, and
EmulatorError, a mistake of whoever runs the emulator (a port in use), said in one sentence."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

StartResponse = Callable[..., Any]

PROTOCOLS = ("json", "query", "s3")
"""json: KMS, CloudTrail, Organizations (`__type`); query: IAM, STS, CloudFormation (`<ErrorResponse>`); s3: `<Error>`."""

_REASONS = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
            413: "Request Entity Too Large", 500: "Internal Server Error"}


class EmulatorError(Exception):
    """A mistake the person running the emulator can fix; its message says what to do."""


class AwsError(Exception):
    """An error answer as AWS gives it: a code, a message and an HTTP status, in the protocol of the service."""

    def __init__(self, code: str, message: str, status: int = 400, sender: bool = True) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.sender = code, message, status, sender

    def render(self, protocol: str) -> tuple[str, list[tuple[str, str]], bytes]:
        """(status line, headers, body) for this error in `protocol` (one of PROTOCOLS)."""
        status = f"{self.status} {_REASONS.get(self.status, 'Error')}"
        if protocol == "json":
            body = json.dumps({"__type": self.code, "message": self.message}).encode()
            headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", self.code)]
        elif protocol == "s3":
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(self.code)}</Code>'
                    f"<Message>{escape(self.message)}</Message></Error>").encode()
            headers = [("Content-Type", "application/xml")]
        else:
            kind = "Sender" if self.sender else "Receiver"
            body = (f"<ErrorResponse><Error><Type>{kind}</Type><Code>{escape(self.code)}</Code>"
                    f"<Message>{escape(self.message)}</Message></Error><RequestId>kmsemu</RequestId></ErrorResponse>").encode()
            headers = [("Content-Type", "text/xml")]
        return status, [*headers, ("Content-Length", str(len(body)))], body

    def send(self, start_response: StartResponse, protocol: str) -> Iterable[bytes]:
        """Answer the WSGI request with this error."""
        status, headers, body = self.render(protocol)
        start_response(status, headers)
        return [body]
