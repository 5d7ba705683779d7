"""What kmsemu costs per KMS call: median ms through the whole pipeline, through it without the services'
semantics middleware, and through bare moto, from one run.

Three servers run in this process on one moto state: the course's emulator (the whole pipeline: read,
authenticate, identify, authorise, then the semantics middleware, then moto), a twin serving
`Emulator(middleware=[]).app()` (steps 1 to 4 only: authentication and authorisation, no KMS/S3 semantics), and moto's own
WSGI app with no pipeline at all. Calls alternate between them so all see the same machine load. moto's
in-process patches (kmsemu.patches) are installed in all three, as they patch moto itself. Target: at most
2 ms median added per call over bare moto. Memory is measured on real lesson kernels by
benchmarks/lesson_memory.py; round trips per second against separate servers by throughput.py.

    .venv/bin/python emulator/benchmarks/emulator_overhead.py [calls]
"""
from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

import kmscourse
from kmsemu import Emulator


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without the per-request log line."""

    def log(self, type: str, message: str, *args: object) -> None:  # noqa: A002 - werkzeug's signature
        """Log nothing."""


def serve(app: Any, name: str) -> BaseWSGIServer:
    """A WSGI app on another loopback port in a daemon thread, sharing this process's moto state.

    The twins are served this way, not by Emulator.start(): an emulator per process, since start() resets."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    return server


def _bare_moto() -> BaseWSGIServer:
    """moto's own dispatcher app, as moto_server builds it."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return serve(DomainDispatcherApplication(create_backend_app), "bare-moto")


def _median_ms(samples: list[float]) -> float:
    """The median of samples in seconds, in milliseconds."""
    return statistics.median(samples) * 1000


def measure(calls: int) -> dict[str, dict[str, float]]:
    """Median ms per Encrypt, Decrypt and DescribeKey through each of the three servers."""
    course = kmscourse.start(quiet=True)
    twin = serve(Emulator(middleware=[]).app(), "no-semantics")
    moto = _bare_moto()
    try:
        endpoints = {"pipeline": course.endpoint_url, "no semantics": f"http://127.0.0.1:{twin.server_address[1]}",
                     "bare moto": f"http://127.0.0.1:{moto.server_address[1]}"}
        clients = {name: course.session.client("kms", region_name=course.region, endpoint_url=url)
                   for name, url in endpoints.items()}
        key_id = clients["pipeline"].create_key(Description=course.name("bench"))["KeyMetadata"]["KeyId"]
        blob = clients["pipeline"].encrypt(KeyId=key_id, Plaintext=b"benchmark")["CiphertextBlob"]
        operations: dict[str, Callable[[Any], Any]] = {
            "Encrypt": lambda c: c.encrypt(KeyId=key_id, Plaintext=b"benchmark"),
            "Decrypt": lambda c: c.decrypt(CiphertextBlob=blob),
            "DescribeKey": lambda c: c.describe_key(KeyId=key_id),
        }
        samples: dict[str, dict[str, list[float]]] = {op: {name: [] for name in clients} for op in operations}
        for op, call in operations.items():
            for client in clients.values():
                for _ in range(10):  # warm up connections and caches
                    call(client)
            for _ in range(calls):
                for name, client in clients.items():
                    start = time.perf_counter()
                    call(client)
                    samples[op][name].append(time.perf_counter() - start)
    finally:
        moto.shutdown()
        moto.server_close()
        twin.shutdown()
    return {op: {name: _median_ms(s) for name, s in by.items()} for op, by in samples.items()}


def main() -> None:
    """Print one row per operation: the three medians and what the pipeline adds over bare moto."""
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    medians = measure(calls)
    print(f"KMS call medians over {calls} alternating calls each (ms)")
    print(f"{'operation':<12} {'pipeline':>9} {'no semantics':>13} {'bare moto':>10} {'added':>7}")
    added = []
    for op, by in medians.items():
        diff = by["pipeline"] - by["bare moto"]
        added.append(diff)
        print(f"{op:<12} {by['pipeline']:>9.2f} {by['no semantics']:>13.2f} {by['bare moto']:>10.2f} {diff:>7.2f}")
    worst = max(added)
    print(f"added median per call: up to {worst:.2f} ms (target <= 2 ms): {'OK' if worst <= 2 else 'OVER'}")


if __name__ == "__main__":
    main()
