"""Run moto's WSGI app, behind the course layer, on a loopback port in a background thread."""
from __future__ import annotations

import errno
import socket
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..errors import CourseError
from . import layer
from .cfn_deferred_models import import_cloudformation

HOST = "127.0.0.1"


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line, which would otherwise land in cell output."""

    def log(self, type: str, message: str, *args: object) -> None:  # noqa: A002 - werkzeug's signature
        pass


def _moto_app() -> layer.WSGIApp:
    """moto's dispatcher for every service, as the moto server builds it."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def _ensure_port_free(port: int) -> None:
    """Raise a one-sentence CourseError if the port cannot be bound (werkzeug would print and exit instead)."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            reason = "already in use" if exc.errno == errno.EADDRINUSE else "not allowed"
            raise CourseError(
                f"Port {port} on {HOST} is {reason}; choose another with --port N (or KMSCOURSE_PORT), "
                "or use 0 to pick a free one."
            ) from None


class Emulator:
    """One emulator server on 127.0.0.1; `port=0` picks a free port."""

    def __init__(self, port: int = 0, middleware: list[layer.Middleware] | None = None) -> None:
        """`middleware`: the course layer to serve (default: all of layer.MIDDLEWARE); benchmarks pass less."""
        self.requested_port = port
        self.middleware = middleware
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually served on."""
        if self._server is None:
            raise CourseError("The emulator is not running; call kmscourse.start() first.")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint URL that boto3 and the AWS CLI are pointed at."""
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        """True while the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "Emulator":
        """Bind the port and serve in a daemon thread."""
        _ensure_port_free(self.requested_port)
        import_cloudformation()  # before any request thread exists, so no import can see the stand-ins
        self._server = make_server(
            HOST, self.requested_port, layer.wrap(_moto_app(), self.middleware), threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="kmscourse-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Block until interrupted (for `kmscourse emulator`)."""
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
