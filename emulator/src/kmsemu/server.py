"""Serve moto's WSGI app behind the request pipeline, on a loopback port, in a background thread."""
from __future__ import annotations

import errno
import secrets
import socket
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from kmsemu import accounts, clock, pipeline
from kmsemu.errors import EmulatorError

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line (it would land in a notebook's output), speaking
    HTTP/1.1 so clients keep their connection instead of opening one per request."""

    protocol_version = "HTTP/1.1"

    def log(self, type: str, message: str, *args: object) -> None:  # noqa: A002 - werkzeug's signature
        pass


class _ServiceApps:
    """moto's per-service apps, chosen by the service the pipeline identified.

    moto's own dispatcher finds the service again for every request from the host and signature, which
    stats every moto module on disk; the pipeline has already authenticated the signing name, so kmsemu
    picks moto's app for that service directly. Other paths (moto's admin API) use moto's dispatcher.
    """

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.dispatcher = DomainDispatcherApplication(create_backend_app)
        self._apps: dict[str, pipeline.WSGIApp] = {}
        self._lock = threading.Lock()

    def _app(self, service: str) -> pipeline.WSGIApp:
        app = self._apps.get(service)
        if app is None:
            with self._lock:
                app = self._apps.get(service) or self.dispatcher.create_app(service)  # type: ignore[arg-type]
                self._apps[service] = app
        return app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve one request with the moto app of its service."""
        request = environ.get("kmsemu.request")
        service = getattr(request, "service", None)
        if service is None:
            return self.dispatcher(environ, start_response)
        return self._app(service)(environ, start_response)


def _moto_app() -> pipeline.WSGIApp:
    """moto's apps for every service the emulator serves, behind one WSGI callable."""
    return _ServiceApps()


def _ensure_port_free(host: str, port: int) -> None:
    """Raise a one-sentence EmulatorError if the port cannot be bound (werkzeug would print and exit instead)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "already in use" if exc.errno == errno.EADDRINUSE else "not allowed"
            raise EmulatorError(
                f"Port {port} on {host} is {reason}; choose another with --port N, or use 0 to pick a free one."
            ) from None


class Emulator:
    """One emulator server; `port=0` picks a free port.

    moto keeps its state per process, so a process holds one emulator: `start()` (and `reset()`) forget
    every account's users, keys and buckets, whichever Emulator object made them. For several isolated
    emulators (one per learner on a shared host), run one `kmsemu serve` process each.

    `admin_token`: when set, moto's own `/moto-api/*` endpoints answer requests that carry
    `Authorization: Bearer <token>`; without it they are closed. `middleware`: the pipeline steps to serve
    after authentication (default: all of pipeline.MIDDLEWARE); benchmarks pass fewer.
    """

    def __init__(self, port: int = 0, host: str = HOST, admin_token: str | None = None,
                 middleware: list[pipeline.Middleware] | None = None, seed: int = accounts.SEED) -> None:
        self.requested_port, self.host, self.admin_token = port, host, admin_token
        self.middleware, self.seed = middleware, seed
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually served on."""
        if self._server is None:
            raise EmulatorError("The emulator is not running; start it first.")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint URL that SDKs and the AWS CLI are pointed at."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        """True while the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def app(self) -> pipeline.WSGIApp:
        """The WSGI app this emulator serves: the pipeline in front of moto (installs moto's patches once)."""
        from kmsemu.patches.import_speed import skip_slow_optional_imports

        skip_slow_optional_imports()
        return pipeline.build(_moto_app(), self.middleware, admin_token=self.admin_token)

    def start(self) -> Emulator:
        """Forget all state, bind the port and serve in a daemon thread (one running emulator per process)."""
        other = running()
        if other is not None and other is not self:
            raise EmulatorError(
                f"An emulator already runs in this process at {other.url}, and moto keeps one state per process; "
                "use it (kmsemu.running()), stop it first, or run another `kmsemu serve` process."
            )
        _ensure_port_free(self.host, self.requested_port)
        app = self.app()  # before any request thread exists, so no import can see CloudFormation's stand-ins
        self.reset()
        self._server = make_server(self.host, self.requested_port, app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="kmsemu", daemon=True)
        self._thread.start()
        _running[0] = self
        return self

    def reset(self) -> None:
        """Forget every account's state, re-seed moto's ids and set the clock back to real time."""
        accounts.reset(self.seed)
        clock.reset()

    def create_user(self, name: str, policy_arns: tuple[str, ...] = (accounts.ADMIN_POLICY_ARN,),
                    tags: dict[str, str] | None = None, account: str = accounts.ACCOUNT_ID) -> accounts.Credentials:
        """An IAM user with these managed policies and a new, random access key (in-process, no request)."""
        return accounts.create_user(name, policy_arns, tags, account)

    def advance_clock(self, days: float = 0, hours: float = 0) -> Any:
        """Move the emulator's clock forward (deletion windows and rotation periods pass at once)."""
        return clock.advance(days=days, hours=hours)

    def now(self) -> Any:
        """The emulator's clock now (real time plus every advance_clock): the time its events and dates carry."""
        return clock.now()

    def serve_forever(self) -> None:
        """Block until interrupted (for `kmsemu serve`)."""
        if self._thread is None:
            self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            self.stop()

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server, self._thread = None, None
        if _running[0] is self:
            _running[0] = None


_running: list[Emulator | None] = [None]


def running() -> Emulator | None:
    """The emulator serving in this process, or None."""
    found = _running[0]
    return found if found is not None and found.running else None


def new_admin_token() -> str:
    """A random token for `/moto-api/*` access."""
    return secrets.token_urlsafe(24)
