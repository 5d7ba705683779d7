"""The one pipeline every request passes, in this order, each step once:

1. read the request once, bounded (bad framing is a 4xx);
2. authenticate it (SigV4 header or presigned query: signature, scope, time, payload, credentials);
3. identify its operation from its protocol (an unknown one gets the service's own error);
4. authorise it, for every service, with the one policy engine (kmsemu.iam);
5. the services' semantics (validation against botocore's model: KMS in kms.layer, the others in
   request_validation; then KMS and S3 behaviour, S3 bucket names included), then moto;
6. once the answer is known (or a step refused a known caller), record the call as a CloudTrail event.

moto's own `/moto-api/*` is closed unless the emulator has an admin token, and then needs it.
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Iterable
from typing import Any

from kmsemu.auth import authenticate, regions
from kmsemu.cloudtrail import recorder as trail
from kmsemu.errors import AwsError
from kmsemu.http import Request, Response, StartResponse, call
from kmsemu.iam import principals

log = logging.getLogger(__name__)

WSGIApp = Callable[..., Any]
Middleware = Callable[[WSGIApp], WSGIApp]
Authoriser = Callable[[Request, principals.Caller], "AwsError | None"]


def _authorisers() -> dict[str, Authoriser]:
    """Each served service's authorisation step, by signing name."""
    from kmsemu.iam.authorize import authorize_cloudformation, authorize_cloudtrail, authorize_iam, authorize_organizations, authorize_sts
    from kmsemu.kms.gate import authorize_request as authorize_kms
    from kmsemu.s3.authorize import authorize_s3

    return {"kms": authorize_kms, "iam": authorize_iam, "sts": authorize_sts, "s3": authorize_s3,
            "cloudformation": authorize_cloudformation, "cloudtrail": authorize_cloudtrail,
            "organizations": authorize_organizations}


def _middleware() -> list[Middleware]:
    """Step 5: the services' semantics, outermost first."""
    from kmsemu.cloudtrail.api import cloudtrail_api
    from kmsemu.iam.boundaries import iam_boundaries
    from kmsemu.kms.layer import kms_semantics
    from kmsemu.request_validation import model_validation
    from kmsemu.s3.sse import s3_sse_kms

    return [kms_semantics, model_validation, s3_sse_kms, cloudtrail_api, iam_boundaries]


class Pipeline:
    """The WSGI app the emulator serves: steps 1 to 4 here, then the semantics middleware and moto."""

    def __init__(self, moto: WSGIApp, inner: WSGIApp, admin_token: str | None) -> None:
        self.moto, self.inner, self.admin_token = moto, inner, admin_token
        self.authorisers = _authorisers()
        self.served = frozenset(self.authorisers)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request."""
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return self._admin(environ, start_response)
        protocol = regions.protocol_guess(environ)
        request: Request | None = None
        try:
            request = Request.read(environ)
            caller = authenticate.authenticate(request, self.served)
            protocol = request.protocol
            from kmsemu.identify import identify

            identify(request)
            request.set_header(MOTO_ACCOUNT_HEADER, None)  # moto would act in the account it names, not the caller's
            refusal = self.authorisers[request.service or ""](request, caller)
            if refusal is not None:
                raise refusal
        except AwsError as error:
            return _refuse(error, request, start_response, protocol)
        except Exception:  # a request shape no step expected: a 400, never a traceback
            log.debug("kmsemu could not read a request", exc_info=True)
            return AwsError("BadRequest", "The emulator could not read this request.", 400).send(start_response, protocol)
        sent = request.body  # as the caller sent it: step 5 may hand moto a normalised body
        with principals.serving(caller), trail.collecting(request):  # work one service does for another is done as this caller
            _before(request)
            try:
                response = call(self.inner, environ)
            except Exception:  # moto raised past its own error handling
                log.debug("moto failed on %s %s", request.service, request.operation, exc_info=True)
                response = Response("500 Internal Server Error", [], b"")
            if response.status_code >= 500:
                log.debug("moto failed on %s %s: %s", request.service, request.operation, response.body[:500])
                response = Response(*_moto_failed(request).render(protocol))
            _record(request, sent, response)
        return response.send(start_response)

    def _admin(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """moto's /moto-api/*: only with `Authorization: Bearer <admin token>`, and never without a token set."""
        sent = str(environ.get("HTTP_AUTHORIZATION", ""))
        if self.admin_token and hmac.compare_digest(sent.encode(), f"Bearer {self.admin_token}".encode()):
            return self.moto(environ, start_response)
        text = ("moto's /moto-api is closed: start the emulator with an admin token (kmsemu serve --admin-token) "
                "and send it as 'Authorization: Bearer <token>'.")
        return AwsError("AccessDenied", text, 403).send(start_response, "json")


def _refuse(error: AwsError, request: Request | None, start_response: StartResponse, protocol: str) -> Iterable[bytes]:
    """Answer a refusal from steps 2-4, recorded as an event once the caller and operation are known."""
    try:
        headers = trail.refused(request, request.body if request is not None else b"", error)
    except Exception:  # recording must never change the answer
        log.debug("kmsemu could not record a refused call", exc_info=True)
        headers = []
    status, rendered, body = error.render(protocol)
    start_response(status, [*rendered, *headers])
    return [body]


def _before(request: Request) -> None:
    """Deliver the CloudTrail log files due in an S3 bucket before a request reads it (never failing the call)."""
    try:
        trail.before(request)
    except Exception:
        log.debug("kmsemu could not deliver CloudTrail log files", exc_info=True)


def _record(request: Request, sent: bytes, response: Response) -> None:
    """Record the call as a CloudTrail event (never failing the call)."""
    try:
        trail.served(request, sent, response)
    except Exception:
        log.debug("kmsemu could not record %s %s", request.service, request.operation, exc_info=True)


MOTO_ACCOUNT_HEADER = "x-moto-account-id"
"""moto acts in the account this header names; callers may not send it, and only kmsemu sets it (cross-account keys)."""

FALLBACK_HEADER = "x-kmsemu-fallback"
"""Set on an answer only when moto failed (HTTP 5xx) and kmsemu answered instead; tests assert it never is.

The failure itself is logged at DEBUG (logger kmsemu.pipeline), so no traceback reaches a caller."""

_FAILED_CODE = {"json": "ValidationException", "query": "ValidationError", "s3": "InvalidRequest"}


class _MotoFailed(AwsError):
    """A 400 that says moto could not run the request (not an AWS answer: a gap the fidelity table lists)."""

    def render(self, protocol: str) -> tuple[str, list[tuple[str, str]], bytes]:
        """AwsError's rendering plus the fallback header."""
        status, headers, body = super().render(protocol)
        return status, [*headers, (FALLBACK_HEADER, "1")], body


def _moto_failed(request: Request) -> AwsError:
    text = (f"The emulator cannot process this {request.operation} request: moto does not implement it or failed "
            "on its parameters. kmsemu's fidelity table lists what it does not reproduce.")
    return _MotoFailed(_FAILED_CODE.get(request.protocol, "ValidationError"), text, 400)


def build(moto: WSGIApp, middleware: list[Middleware] | None = None, admin_token: str | None = None) -> WSGIApp:
    """The pipeline in front of moto's app; installs moto's patches once. `middleware` replaces step 5's list."""
    from kmsemu import patches

    patches.install()
    inner = moto
    for step in reversed(_middleware() if middleware is None else middleware):
        inner = step(inner)
    return Pipeline(moto, inner, admin_token)


MIDDLEWARE_NAMES = ("kms_semantics", "model_validation", "s3_sse_kms", "cloudtrail_api", "iam_boundaries")
"""Step 5's middleware, outermost first (benchmarks select from these)."""
