"""The course layer: WSGI middleware placed in front of moto's app.

Each middleware is a callable taking the next WSGI app and returning a WSGI app. They are applied in
order, so the first one listed sees a request first. Fidelity fixes (key states, authorization, ...) are
added here; each lives in its own module.
"""
from __future__ import annotations

from typing import Any, Callable

WSGIApp = Callable[..., Any]
Middleware = Callable[[WSGIApp], WSGIApp]

MIDDLEWARE: list[Middleware] = []


def wrap(app: WSGIApp) -> WSGIApp:
    """Put every course middleware in front of moto's app (the first listed sees a request first)."""
    for middleware in reversed(MIDDLEWARE):
        app = middleware(app)
    return app
