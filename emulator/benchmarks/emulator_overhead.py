"""What the course layer costs: median ms per KMS call through every middleware vs bare moto.

Two emulators run in this process on one moto state: the course's (all of layer.MIDDLEWARE) and a twin
serving moto's app with no middleware. Calls alternate between them so both see the same machine load.
moto's in-process hooks (emulator/hooks.py) are installed in both, as they patch moto itself; they are
cheap, and the twin measures the WSGI middleware the course adds. Targets: at most 2 ms median added per
call. Memory is measured on real lesson kernels by benchmarks/lesson_memory.py.

    .venv/bin/python benchmarks/emulator_overhead.py [calls]
"""
from __future__ import annotations

import statistics
import sys
import time
from typing import Any, Callable

import kmscourse
from kmsemu import Emulator

def _bare_twin() -> Emulator:
    """An emulator on another port serving moto's app with no course middleware."""
    return Emulator(0, middleware=[]).start()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(calls: int) -> dict[str, dict[str, float]]:
    """Median ms per Encrypt, Decrypt and DescribeKey through the course layer and through bare moto."""
    course = kmscourse.start(quiet=True)
    twin = _bare_twin()
    clients = {
        "course layer": course.client("kms"),
        "bare moto": course.session.client("kms", region_name=course.region, endpoint_url=twin.url),
    }
    key_id = clients["course layer"].create_key(Description=course.name("bench"))["KeyMetadata"]["KeyId"]
    blob = clients["course layer"].encrypt(KeyId=key_id, Plaintext=b"benchmark")["CiphertextBlob"]
    operations: dict[str, Callable[[Any], Any]] = {
        "Encrypt": lambda c: c.encrypt(KeyId=key_id, Plaintext=b"benchmark"),
        "Decrypt": lambda c: c.decrypt(CiphertextBlob=blob),
        "DescribeKey": lambda c: c.describe_key(KeyId=key_id),
    }
    samples = {op: {name: [] for name in clients} for op in operations}
    for op, call in operations.items():
        for client in clients.values():
            for _ in range(10):  # warm up connections and caches
                call(client)
        for _ in range(calls):
            for name, client in clients.items():
                start = time.perf_counter()
                call(client)
                samples[op][name].append(time.perf_counter() - start)
    twin.stop()
    return {op: {name: _median_ms(s) for name, s in by.items()} for op, by in samples.items()}


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    medians = measure(calls)
    print(f"KMS call medians over {calls} alternating calls each (ms)")
    print(f"{'operation':<12} {'course layer':>13} {'bare moto':>10} {'added':>7}")
    added = []
    for op, by in medians.items():
        diff = by["course layer"] - by["bare moto"]
        added.append(diff)
        print(f"{op:<12} {by['course layer']:>13.2f} {by['bare moto']:>10.2f} {diff:>7.2f}")
    worst = max(added)
    print(f"added median per call: up to {worst:.2f} ms (target <= 2 ms): {'OK' if worst <= 2 else 'OVER'}")

if __name__ == "__main__":
    main()
