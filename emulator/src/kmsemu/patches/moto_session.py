"""Give moto's region lookup the course's shared botocore loader, so its data files parse once per process.

For every backend it creates, moto asks a boto3 session (one, cached for the process) which regions the
service has. That session loads the endpoint data and each service's model a second time, next to the copy
the learner's own clients use: about 10 MB a kernel keeps for nothing.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3

from kmsemu.sessions import new_session


@lru_cache(maxsize=1)
def _session() -> boto3.Session:
    """The one session moto's backends ask for their regions."""
    return new_session()


def _get_session(cls: Any) -> boto3.Session:
    return _session()


def install() -> None:
    """Replace AccountSpecificBackend.get_session (a cached classmethod in moto.core.base_backend)."""
    from moto.core.base_backend import AccountSpecificBackend

    AccountSpecificBackend.get_session = classmethod(_get_session)  # type: ignore[method-assign, assignment]
