"""The hub's progress service: learners post their own check records, instructors watch the dashboard.

Run by JupyterHub as a managed service (workshop/jupyterhub_config.py): `python -m kmscourse.workshop.progress_service`.
It serves under /services/kmscourse/ and stores records in progress.sqlite in its working directory.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import urllib.parse
from pathlib import Path
from typing import Any

try:
    from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
    from tornado import httpclient, web
except ModuleNotFoundError as missing:  # the hub runs it with the Python that has the course: it must have jupyterhub too
    sys.exit(f"kmscourse progress service: this Python ({sys.executable}) lacks {missing.name}; "
             "pip install jupyterhub into it, or point KMSCOURSE_SERVICE_PYTHON at one that has it.")

from .. import settings
from . import dashboard, records
from .store import Store, summary

INSTRUCTORS = "instructors"
"""The hub group whose members (besides hub admins) may see the dashboard."""
DATABASE = "progress.sqlite"
"""The records' file, in the service's working directory."""


class Base(HubOAuthenticated, web.RequestHandler):
    """Handlers that know the store, the labs, and who the hub says the caller is."""

    def initialize(self, store: Store, labs: list[str]) -> None:
        """Keep the shared store and the list of known labs."""
        self.store, self.labs = store, labs

    def fail(self, status: int, message: str) -> None:
        """Answer `status` with one sentence as JSON ({"message": ...})."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": status, "message": message}))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Any error tornado raises (a 405, a 500) as one sentence, never a traceback."""
        self.fail(status_code, f"The progress service could not answer this request ({self._reason}).")

    async def is_instructor(self, model: dict[str, Any]) -> bool:
        """Whether a hub user is an admin or in the instructors group, asked of the hub with the service's own token."""
        if model.get("kind", "user") != "user":
            return False
        url = f"{self.hub_auth.api_url}/users/{urllib.parse.quote(model['name'], safe='')}"
        request = httpclient.HTTPRequest(url, headers={"Authorization": f"token {self.hub_auth.api_token}"}, request_timeout=10)
        try:
            response = await httpclient.AsyncHTTPClient().fetch(request)
        except (httpclient.HTTPClientError, OSError):
            return False
        user = json.loads(response.body)
        return bool(user.get("admin")) or INSTRUCTORS in (user.get("groups") or [])


class RecordsHandler(Base):
    """POST api/records: a learner's check record, stored under the name the hub token identifies."""

    def post(self) -> None:
        """Validate and store one record; the learner is the token's owner, never a name in the body."""
        model = self.current_user
        if not model:
            return self.fail(403, "Send your own JupyterHub token (Authorization: token ...) with access to this service.")
        if model.get("kind", "user") != "user":
            return self.fail(403, f"Only learners post progress; {model.get('kind')} {model['name']} is not a hub user.")
        try:
            body = json.loads(self.request.body) if len(self.request.body) <= records.MAX_BODY else None
        except (ValueError, UnicodeDecodeError):
            body = None
        claimed = body.get("learner") if isinstance(body, dict) else None
        if claimed not in (None, model["name"]):
            return self.fail(403, f"You are signed in as {model['name']} and can post only your own progress, not {str(claimed)[:40]!r}'s.")
        try:
            record = records.parse(self.request.body, self.labs)
        except records.BadRecord as exc:
            return self.fail(413 if len(self.request.body) > records.MAX_BODY else 400, str(exc))
        self.store.add(model["name"], record)
        self.set_status(201)
        self.finish({"status": 201, "learner": model["name"], "lab": record["lab"]})


class DashboardDataHandler(Base):
    """GET api/dashboard: the learners-by-labs summary, for instructors only."""

    async def get(self) -> None:
        """The summary as JSON, or 403 with one sentence."""
        model = self.current_user
        if not model:
            return self.fail(403, "Sign in to the hub as an instructor to see the workshop's progress.")
        if not await self.is_instructor(model):
            return self.fail(403, f"{model['name']} is not a hub admin or in the {INSTRUCTORS} group, so cannot see the dashboard.")
        self.set_header("Cache-Control", "no-store")
        self.finish(summary(self.store.rows(), self.labs))


class DashboardPage(Base):
    """GET /services/kmscourse/: the dashboard page, after the hub's sign-in."""

    @web.authenticated
    async def get(self) -> None:
        """The page for instructors; one sentence for everyone else."""
        model = self.current_user
        if not await self.is_instructor(model):
            self.set_status(403)
            self.finish(dashboard.refusal(
                f"{model['name']} is not a hub admin or in the {INSTRUCTORS} group; ask the instructor to add you."))
            return
        self.set_header("Cache-Control", "no-store")
        # The page's own fetches are cookie-authenticated, which the hub allows only with its XSRF token.
        self.finish(dashboard.page(model["name"], self.xsrf_token.decode()))


class NotFound(Base):
    """Any other path: 404 with one sentence."""

    def prepare(self) -> None:
        """Refuse before any method runs."""
        self.fail(404, "No such page in the progress service; the dashboard is at its root, records go to api/records.")


def make_app(store: Store, prefix: str) -> web.Application:
    """The service's tornado application under `prefix` (/services/kmscourse/)."""
    state = {"store": store, "labs": records.known_labs()}
    return web.Application([
        (prefix, DashboardPage, state),
        (f"{prefix}api/records", RecordsHandler, state),
        (f"{prefix}api/dashboard", DashboardDataHandler, state),
        (f"{prefix}oauth_callback", HubOAuthCallbackHandler),
        (f"{prefix}.*", NotFound, state),
    ], cookie_secret=os.urandom(32), hub_auth=HubOAuth.instance(), default_handler_class=NotFound,
        default_handler_args=state)


def main() -> int:
    """Serve on JUPYTERHUB_SERVICE_URL until the hub stops the service (SIGTERM)."""
    url = os.environ.get("JUPYTERHUB_SERVICE_URL")
    if not url or not os.environ.get("JUPYTERHUB_API_TOKEN"):
        print("kmscourse progress service: run it as a JupyterHub managed service (workshop/jupyterhub_config.py), "
              "which sets JUPYTERHUB_SERVICE_URL and its token.", file=sys.stderr)
        return 2
    asyncio.run(serve(url, os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/kmscourse/")))
    return 0


def listen_address(url: str) -> tuple[str, int]:
    """(host, port) to listen on: the URL's own, or KMSCOURSE_SERVICE_BIND's address when the hub sets it (Kubernetes)."""
    parsed = urllib.parse.urlparse(url)
    return settings.SERVICE_BIND.get() or parsed.hostname or "127.0.0.1", parsed.port or 80


async def serve(url: str, prefix: str) -> None:
    """Listen on `url` until SIGTERM or SIGINT, then close the store."""
    store = Store(Path.cwd() / DATABASE)
    host, port = listen_address(url)
    server = make_app(store, prefix).listen(port, host, max_body_size=4 * records.MAX_BODY)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    print(f"kmscourse progress service on {url} ({prefix}), records in {store.path}", flush=True)
    try:
        await stop.wait()
    finally:
        server.stop()
        store.close()


if __name__ == "__main__":
    sys.exit(main())
