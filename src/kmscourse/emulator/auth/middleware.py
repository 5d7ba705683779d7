"""The WSGI middleware: attribute each request to a principal, check its signature, authorise KMS calls."""
from __future__ import annotations

from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

from .. import clock
from ..identity import BOOTSTRAP_KEY
from ..wsgi import Request, StartResponse, json_error
from . import assume_role, errors, gate, principals, sigv4, via_s3

WSGIApp = Callable[..., Any]


def _bootstrap(sig: sigv4.Signature) -> bool:
    """The fixed key emulator/identity.py uses to create the learner; it is good for IAM calls only."""
    return sig.service == "iam" and sig.access_key_id == BOOTSTRAP_KEY[0]


def _credential_problem(environ: dict[str, Any], caller: principals.Caller | None) -> str | None:
    """Unknown key, a role session's key without its own token, or a session past its expiry."""
    if caller is None:
        return "unknown-key"
    if caller.session_token is not None:
        sent = environ.get("HTTP_X_AMZ_SECURITY_TOKEN") or parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Security-Token", [""])[0]
        if sent != caller.session_token:
            return "unknown-key"
        if caller.expires is not None and caller.expires <= clock.now():
            return "expired-token"
    return None


def authorization(app: WSGIApp) -> WSGIApp:
    """Wrap `app` so unsigned, unknown, mis-signed and unauthorised requests are refused as AWS refuses them."""
    via_s3.install()

    def handle(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return app(environ, start_response)
        is_kms = environ.get("HTTP_X_AMZ_TARGET", "").startswith("TrentService.")
        sig = sigv4.parse(environ)
        if sig is None:
            return errors.refuse(start_response, "unsigned", "kms") if is_kms else app(environ, start_response)
        request: Request | None = None

        def body() -> bytes:
            nonlocal request
            request = request or Request.read(environ)
            return request.body

        if _bootstrap(sig):
            secret = BOOTSTRAP_KEY[1]
            caller = None
        else:
            caller = principals.lookup(sig.access_key_id)
            problem = _credential_problem(environ, caller)
            if problem:
                return errors.refuse(start_response, problem, sig.service)
            assert caller is not None
            secret = caller.secret
        if not sigv4.verify(environ, sig, secret, body):
            return errors.refuse(start_response, "bad-signature", sig.service)
        if sig.service == "sts" and caller is not None:
            message = assume_role.refusal(caller, body(), sig.region)
            if message is not None:
                return errors.query_error(start_response, "AccessDenied", message)
        if is_kms and caller is not None:
            body()
            assert request is not None
            refusal = gate.authorize(caller, request.kms_operation or "", request.json(), sig.region)
            if refusal is not None:
                return json_error(start_response, refusal.code, refusal.message)
        with principals.serving(caller):  # CloudFormation's calls to KMS are made as this caller
            return app(environ, start_response)

    return handle
