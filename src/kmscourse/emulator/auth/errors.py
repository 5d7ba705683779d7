"""Refusals in each protocol's own error shape: JSON for KMS, query XML for IAM and STS, S3's XML."""
from __future__ import annotations

from typing import Iterable
from xml.sax.saxutils import escape

from ..wsgi import StartResponse, json_error, xml_error

_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access "
    "Key and signing method. Consult the service documentation for details."
)

# problem -> protocol -> (code, message)
_ERRORS: dict[str, dict[str, tuple[str, str]]] = {
    "unknown-key": {
        "json": ("UnrecognizedClientException", "The security token included in the request is invalid."),
        "query": ("InvalidClientTokenId", "The security token included in the request is invalid."),
        "s3": ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
    },
    "bad-signature": {
        "json": ("InvalidSignatureException", _SIGNATURE),
        "query": ("SignatureDoesNotMatch", _SIGNATURE),
        "s3": ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you "
               "provided. Check your key and signing method."),
    },
    "expired-token": {
        "json": ("ExpiredTokenException", "The security token included in the request is expired"),
        "query": ("ExpiredToken", "The security token included in the request is expired"),
        "s3": ("ExpiredToken", "The provided token has expired."),
    },
    "unsigned": {
        "json": ("MissingAuthenticationTokenException", "Missing Authentication Token"),
        "query": ("MissingAuthenticationToken", "Request is missing Authentication Token"),
        "s3": ("AccessDenied", "Access Denied"),
    },
}


_QUERY = {"iam", "sts", "cloudformation", "sns", "ec2", "rds", "autoscaling", "elasticloadbalancing", "monitoring"}
"""Signing names of services that answer in the query protocol's XML (the course uses iam, sts, cloudformation)."""


def protocol(service: str) -> str:
    """The error protocol of a service, by its SigV4 signing name."""
    return "s3" if service == "s3" else "query" if service in _QUERY else "json"


def refuse(start_response: StartResponse, problem: str, service: str) -> Iterable[bytes]:
    """Answer an identity problem (`unknown-key`, `bad-signature`, `expired-token`, `unsigned`) as `service` would."""
    proto = protocol(service)
    code, message = _ERRORS[problem][proto]
    if proto == "json":
        return json_error(start_response, code, message)
    if proto == "s3":
        return xml_error(start_response, code, message, 403)
    return query_error(start_response, code, message)


def query_error(start_response: StartResponse, code: str, message: str, status: int = 403) -> Iterable[bytes]:
    """Answer as a query-protocol service (IAM, STS) does: an <ErrorResponse> document."""
    body = (
        f'<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>'
        "</Error><RequestId>kmscourse</RequestId></ErrorResponse>"
    ).encode()
    start_response(f"{status} Error", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]
