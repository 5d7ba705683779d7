"""The course layer: WSGI middleware placed in front of moto's app.

Each middleware is a callable taking the next WSGI app and returning a WSGI app. They are applied in
order, so the first one listed sees a request first. Fidelity fixes (key states, authorization, ...) are
added here; each lives in its own module.
"""
from __future__ import annotations

from typing import Any, Callable

WSGIApp = Callable[..., Any]
Middleware = Callable[[WSGIApp], WSGIApp]

from .auth import authorization  # noqa: E402
from .kms_layer import kms_semantics  # noqa: E402
from .s3_sse import s3_sse_kms  # noqa: E402

MIDDLEWARE: list[Middleware] = [
    authorization,  # first: who is calling and may they, before any other fix sees the request
    kms_semantics,  # issue #3: KMS validation, identifiers, key states, errors, clock-driven deletion and rotation
    s3_sse_kms,  # issue #3: S3 uses KMS for SSE-KMS; authorization plugs in via s3_sse.authorize_kms_for_s3
]


def wrap(app: WSGIApp, middleware_list: list[Middleware] | None = None) -> WSGIApp:
    """Put the course middleware (MIDDLEWARE unless a list is given) in front of moto's app, first listed outermost."""
    for middleware in reversed(MIDDLEWARE if middleware_list is None else middleware_list):
        app = middleware(app)
    return app
