"""Session tags: the Tags an AssumeRole call passes become the session's aws:PrincipalTag values.

moto ignores AssumeRole's Tags; kmsemu keeps them on moto's AssumedRole. Passing them needs sts:TagSession as well
as sts:AssumeRole (sts.assume_role checks both), and a session tag overrides the role's tag of the same key.
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
"""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from kmsemu.patches import replace

ATTRIBUTE = "_kmsemu_session_tags"
_pending: ContextVar[dict[str, str] | None] = ContextVar("kmsemu_session_tags", default=None)


def requested(form: dict[str, Any]) -> dict[str, str]:
    """The Tags.member.N.Key/Value pairs of an AssumeRole request (values are lists, as moto parses them, or strings)."""
    def first(value: Any) -> str:
        return str(value[0] if isinstance(value, list) and value else value)

    found: dict[str, str] = {}
    n = 1
    while f"Tags.member.{n}.Key" in form:
        found[first(form[f"Tags.member.{n}.Key"])] = first(form.get(f"Tags.member.{n}.Value", ""))
        n += 1
    return found


def _response(original: Callable[..., Any]) -> Callable[..., Any]:
    def assume_role(self: Any) -> Any:
        token = _pending.set(requested(self.querystring))
        try:
            return original(self)
        finally:
            _pending.reset(token)

    return assume_role


def _backend(original: Callable[..., Any]) -> Callable[..., Any]:
    def assume_role(self: Any, *args: Any, **kwargs: Any) -> Any:
        role = original(self, *args, **kwargs)
        setattr(role, ATTRIBUTE, dict(_pending.get() or {}))
        return role

    return assume_role


def install() -> None:
    """Wrap moto's TokenResponse.assume_role (reads the Tags) and STSBackend.assume_role (keeps them on the session)."""
    from moto.sts.models import STSBackend
    from moto.sts.responses import TokenResponse

    replace(TokenResponse, "assume_role", _response)
    replace(STSBackend, "assume_role", _backend)
