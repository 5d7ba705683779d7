"""Send a learner's check record to the hub's progress service with the learner's own hub token."""
from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

from .. import settings

SERVICE = "kmscourse"
"""The progress service's name on the hub: it answers under /services/kmscourse/."""
TIMEOUT = 5.0
"""Seconds a check waits for the service before keeping the record local only."""


def service_url() -> str | None:
    """The progress service's base URL (ending in /), or None when this is not a workshop hub."""
    explicit = settings.PROGRESS_URL.get()
    if explicit:
        return explicit.rstrip("/") + "/"
    hub = os.environ.get("JUPYTERHUB_PUBLIC_HUB_URL", "").strip()
    if hub.endswith("/hub/"):
        return f"{hub[: -len('hub/')]}services/{SERVICE}/"
    return None


def send(record: dict[str, Any], url: str, token: str) -> None:
    """POST the record to the service's api/records; an OSError or HTTPError says why it was refused."""
    request = urllib.request.Request(f"{url}api/records", data=json.dumps(record).encode(), method="POST",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    # Loopback and the hub's own address must not go through a proxy set for the internet.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=TIMEOUT) as response:
        response.read()


def _reason(exc: Exception) -> str:
    """A short reason for a failed post: the service's own sentence, else the error."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            message = json.loads(exc.read() or b"{}").get("message", "")
        except ValueError:
            message = ""
        return f"HTTP {exc.code}{': ' + message if message else ''}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def send_quietly(record: dict[str, Any]) -> bool:
    """Send the record when on a workshop hub; a failure prints one line and never raises. True when it was sent."""
    token, url = os.environ.get("JUPYTERHUB_API_TOKEN", "").strip(), service_url()
    if not token or not url:
        return False
    try:
        send(record, url, token)
    except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors; ValueError: a malformed URL
        print(f"kmscourse: your result was not sent to the workshop dashboard ({_reason(exc)}); it is kept in your own "
              "progress file, and `kmscourse progress` shows it.", file=sys.stderr)
        return False
    return True
