"""Check an AWS Signature Version 4 (header or presigned query) against the caller's secret key."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from botocore.utils import normalize_url_path

_ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Signature:
    """The parts of a SigV4 signature the check needs."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    in_query: bool


def parse(environ: dict[str, Any]) -> Signature | None:
    """The signature from the Authorization header or presigned-URL query; None when unsigned, Malformed when garbled."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth and not auth.startswith(_ALGORITHM):
        raise_malformed()
    if auth.startswith(_ALGORITHM):
        fields = dict(part.strip().split("=", 1) for part in auth[len(_ALGORITHM):].split(",") if "=" in part)
        if not all(fields.get(name) for name in ("Credential", "SignedHeaders", "Signature")):
            raise_malformed()
        credential, headers, signature, in_query = fields.get("Credential", ""), fields.get("SignedHeaders", ""), fields.get("Signature", ""), False
    else:
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if query.get("X-Amz-Algorithm") != _ALGORITHM:
            return None
        credential, headers, signature, in_query = query.get("X-Amz-Credential", ""), query.get("X-Amz-SignedHeaders", ""), query.get("X-Amz-Signature", ""), True
    scope = credential.split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise_malformed()
    return Signature(scope[0], scope[1], scope[2], scope[3], tuple(headers.split(";")), signature, in_query)


class Malformed(Exception):
    """The request claims SigV4 but its Authorization header or query parameters are not well formed."""


def raise_malformed() -> None:
    """Raise Malformed (a helper so parse() stays one expression per branch)."""
    raise Malformed("The authorization header or query parameters are not a well-formed AWS Signature Version 4.")


def _raw_target(environ: dict[str, Any]) -> tuple[str, str]:
    """The path and query exactly as the client sent them (werkzeug's RAW_URI), before any decoding."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        return quote(environ.get("PATH_INFO", "/")), environ.get("QUERY_STRING", "")
    if "://" in raw.split("?", 1)[0]:  # absolute-form request target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    path, _, query = raw.partition("?")
    return path or "/", query


def _canonical_path(path: str, service: str) -> str:
    """S3 signs the path as sent; other services sign it normalised and encoded once more."""
    if service == "s3":
        return path
    return quote(normalize_url_path(path), safe="/~")


def _canonical_query(query: str, in_query: bool) -> str:
    pairs = []
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        if not (in_query and unquote(key) == "X-Amz-Signature"):
            pairs.append((key, value))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _header(environ: dict[str, Any], name: str) -> str:
    key = name.upper().replace("-", "_")
    value = environ.get(key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key, "")
    return " ".join(str(value).split())


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def verify(environ: dict[str, Any], sig: Signature, secret: str, payload: str) -> bool:
    """True when `secret` produces the request's signature over `payload` (the body's hash, or what S3 allows)."""
    path, query = _raw_target(environ)
    canonical = "\n".join([
        environ.get("REQUEST_METHOD", "GET").upper(),
        _canonical_path(path, sig.service),
        _canonical_query(query, sig.in_query),
        "".join(f"{h}:{_header(environ, h)}\n" for h in sig.signed_headers),
        ";".join(sig.signed_headers),
        payload,
    ])
    timestamp = environ.get("HTTP_X_AMZ_DATE") or dict(parse_qsl(query)).get("X-Amz-Date", "")
    scope = f"{sig.date}/{sig.region}/{sig.service}/aws4_request"
    to_sign = "\n".join([_ALGORITHM, timestamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (sig.date, sig.region, sig.service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, sig.signature)
