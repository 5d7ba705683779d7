"""Authenticate a request as AWS does: a SigV4 signature, its scope, its age, its payload hash and the key behind it.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qsl

from kmsemu import clock
from kmsemu.auth import regions, sigv4
from kmsemu.errors import AwsError
from kmsemu.http import Request
from kmsemu.iam import principals

SKEW = dt.timedelta(minutes=5)
S3_SKEW = dt.timedelta(minutes=15)
"""S3 accepts a request up to 15 minutes from its X-Amz-Date (RequestTimeTooSkewed beyond); other services 5."""
"""How far a request's X-Amz-Date may be from the real wall clock (AWS: 5 minutes; the emulator clock is not used)."""
MAX_PRESIGNED_EXPIRES = 604800
"""The longest a presigned URL may live: 7 days."""

_SIGNATURE_TEXT = ("The request signature we calculated does not match the signature you provided. Check your AWS "
                   "Secret Access Key and signing method. Consult the service documentation for details.")
_S3_SIGNATURE_TEXT = ("The request signature we calculated does not match the signature you provided. Check your key "
                      "and signing method.")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_S3_STREAMING = ("STREAMING-", "UNSIGNED-PAYLOAD")

# problem -> protocol -> (code, message, status)
_ERRORS: dict[str, dict[str, tuple[str, str, int]]] = {
    "unknown-key": {
        "json": ("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
        "query": ("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
        "s3": ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403),
    },
    "bad-signature": {
        "json": ("InvalidSignatureException", _SIGNATURE_TEXT, 400),
        "query": ("SignatureDoesNotMatch", _SIGNATURE_TEXT, 403),
        "s3": ("SignatureDoesNotMatch", _S3_SIGNATURE_TEXT, 403),
    },
    "expired-token": {
        "json": ("ExpiredTokenException", "The security token included in the request is expired", 400),
        "query": ("ExpiredToken", "The security token included in the request is expired", 403),
        "s3": ("ExpiredToken", "The provided token has expired.", 400),
    },
    "unsigned": {
        "json": ("MissingAuthenticationTokenException", "Missing Authentication Token", 400),
        "query": ("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
        "s3": ("AccessDenied", "Access Denied", 403),
    },
    "malformed": {
        "json": ("IncompleteSignatureException", "The request signature is not a well-formed AWS Signature Version 4.", 400),
        "query": ("IncompleteSignature", "The request signature is not a well-formed AWS Signature Version 4.", 400),
        "s3": ("AuthorizationHeaderMalformed", "The authorization header is malformed.", 400),
    },
}


def refusal(problem: str, protocol: str, message: str | None = None) -> AwsError:
    """The error AWS answers an identity problem with, in the service's protocol; `message` overrides the text."""
    code, text, status = _ERRORS[problem][protocol]
    return AwsError(code, message or text, status)


def authenticate(request: Request, served: frozenset[str]) -> principals.Caller:
    """The caller who signed `request`, or AwsError; sets request.service (the signing name) and request.protocol."""
    request.protocol = regions.protocol_guess(request.environ)
    if _signature_version_2(request):
        raise AwsError("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.", 400)
    try:
        sig = sigv4.parse(request.environ)
    except sigv4.Malformed as problem:
        raise refusal("malformed", request.protocol, str(problem)) from None
    if sig is None:
        raise refusal("unsigned", request.protocol)
    request.protocol = regions.protocol(sig.service)
    _check_scope(request, sig, served)
    _check_time(request, sig)
    caller = principals.lookup(sig.access_key_id)
    _check_credentials(request, caller)
    assert caller is not None
    if not sigv4.verify(request.environ, sig, caller.secret, _payload(request, sig)):
        raise refusal("bad-signature", request.protocol)
    request.service, request.caller = sig.service, caller
    return caller


def _signature_version_2(request: Request) -> bool:
    """Whether the request is signed with the retired Signature Version 2 (S3's `AWS key:signature` or its query)."""
    query = request.environ.get("QUERY_STRING", "")
    return str(request.environ.get("HTTP_AUTHORIZATION", "")).startswith("AWS ") or (
        "AWSAccessKeyId=" in query and "Signature=" in query)


def _check_scope(request: Request, sig: sigv4.Signature, served: frozenset[str]) -> None:
    """The credential scope names a service the emulator serves, a real region, and the request's service."""
    target_service = regions.service_of_target(request.environ.get("HTTP_X_AMZ_TARGET", ""))
    if target_service is not None:
        request.protocol = regions.protocol(target_service)  # the service the request addresses answers
    proto = request.protocol
    if sig.service not in served or (target_service is not None and target_service != sig.service):
        expected = target_service or ("/".join(sorted(served)))
        text = f"Credential should be scoped to correct service: '{expected}'. "
        raise AwsError("InvalidSignatureException" if proto == "json" else "SignatureDoesNotMatch", text, 400 if proto == "json" else 403)
    if not regions.is_region(sig.region):
        if proto == "s3":
            raise AwsError("AuthorizationHeaderMalformed",
                           f"The authorization header is malformed; the region '{sig.region}' is wrong.", 400)
        raise AwsError("InvalidSignatureException" if proto == "json" else "SignatureDoesNotMatch",
                       "Credential should be scoped to a valid region. ", 400 if proto == "json" else 403)


def _timestamp(request: Request, sig: sigv4.Signature) -> str:
    if sig.in_query:
        return dict(parse_qsl(request.environ.get("QUERY_STRING", ""))).get("X-Amz-Date", "")
    return str(request.environ.get("HTTP_X_AMZ_DATE", ""))


def _check_time(request: Request, sig: sigv4.Signature) -> None:
    """Within five minutes of the real time (header), or not yet expired (presigned), and in the scope's day."""
    proto = request.protocol
    stamp = _timestamp(request, sig)
    try:
        signed_at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise refusal("malformed", proto, "The request must carry an X-Amz-Date of the form 20261201T120000Z.") from None
    if stamp[:8] != sig.date:
        raise refusal("bad-signature", proto)
    now = clock.wall_now()
    fmt = "%Y%m%dT%H%M%SZ"
    if sig.in_query:
        expires = dict(parse_qsl(request.environ.get("QUERY_STRING", ""))).get("X-Amz-Expires", "")
        if not expires.isdigit() or not 1 <= int(expires) <= MAX_PRESIGNED_EXPIRES:
            raise AwsError("AuthorizationQueryParametersError",
                           "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (seven days).", 400)
        if now > signed_at + dt.timedelta(seconds=int(expires)):
            raise AwsError("AccessDenied", "Request has expired", 403)
        if signed_at - now > SKEW:
            raise AwsError("AccessDenied", "Request is not valid yet", 403)
        return
    if proto == "s3":
        if abs(now - signed_at) <= S3_SKEW:
            return
        raise AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403)
    if now - signed_at > SKEW:
        text = f"Signature expired: {stamp} is now earlier than {(now - SKEW).strftime(fmt)} ({now.strftime(fmt)} - 5 min.)"
        raise AwsError("InvalidSignatureException" if proto == "json" else "SignatureDoesNotMatch", text, 400 if proto == "json" else 403)
    if signed_at - now > SKEW:
        text = f"Signature not yet current: {stamp} is still later than {(now + SKEW).strftime(fmt)} ({now.strftime(fmt)} + 5 min.)"
        raise AwsError("InvalidSignatureException" if proto == "json" else "SignatureDoesNotMatch", text, 400 if proto == "json" else 403)


def _check_credentials(request: Request, caller: principals.Caller | None) -> None:
    """A known, active key; for a role session, its own token and a session not yet expired (emulator clock)."""
    if caller is None:
        raise refusal("unknown-key", request.protocol)
    if caller.session_token is not None:
        sent = request.header("x-amz-security-token") or dict(parse_qsl(request.environ.get("QUERY_STRING", ""))).get("X-Amz-Security-Token", "")
        if sent != caller.session_token:
            raise refusal("unknown-key", request.protocol)
        if caller.expires is not None and caller.expires <= clock.now():
            raise refusal("expired-token", request.protocol)


def _payload(request: Request, sig: sigv4.Signature) -> str:
    """The payload hash the signature covers: the body's own hash, except where S3 lets the client say otherwise."""
    if sig.service != "s3":
        return hashlib.sha256(request.body).hexdigest()  # what the client claims is not trusted
    if sig.in_query:
        return "UNSIGNED-PAYLOAD"
    claimed = request.header("x-amz-content-sha256")
    if not claimed:
        raise AwsError("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400)
    if claimed.startswith(_S3_STREAMING):
        return claimed
    if not _HEX64.match(claimed):
        raise AwsError("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., or a valid sha256 value.", 400)
    if claimed != hashlib.sha256(request.body).hexdigest():
        raise AwsError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400)
    return claimed
