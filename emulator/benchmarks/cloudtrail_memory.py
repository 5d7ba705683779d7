"""What recording CloudTrail events costs: microseconds per recorded call, and bytes per kept event.

In this process, with no server: an Emulator's moto state, one IAM user and one key. A realistic KMS Encrypt
call (encryption context, boto3's user agent) is recorded N times through the same hook the pipeline calls
(kmsemu.cloudtrail.recorder.record), timed per call; then the account's ring is filled to its bound
(store.MAX_EVENTS) and the memory it holds is measured with tracemalloc. Printed: median and p99 microseconds
per recorded event, events per second, bytes per kept event, and the ring's total at its bound. A measurement,
no target is checked (the brief's budget is well under 1 ms per event).

    .venv/bin/python emulator/benchmarks/cloudtrail_memory.py [--n 2000]
"""
from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc

from kmsemu import accounts
from kmsemu.cloudtrail import store
from kmsemu.cloudtrail.events import Call
from kmsemu.cloudtrail.recorder import record
from kmsemu.iam.principals import lookup

USER_AGENT = ("aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 "
              "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 command/kms.encrypt")


def _setup() -> Call:
    """A user, a key, and the Call an Encrypt of that key with an encryption context would record."""
    from moto.kms.models import kms_backends

    accounts.reset()
    creds = accounts.create_user("bench-user", (accounts.ADMIN_POLICY_ARN,))
    caller = lookup(creds.access_key_id)
    assert caller is not None
    key = kms_backends[caller.account]["us-east-1"].create_key(
        policy=None, key_usage="ENCRYPT_DECRYPT", key_spec="SYMMETRIC_DEFAULT", description="bench", tags=None)
    body = {"KeyId": key.id, "Plaintext": "aGVsbG8=",
            "EncryptionContext": {"department": "finance", "purpose": "cloudtrail-benchmark"}}
    return Call(caller, creds.access_key_id, "kms", "Encrypt", "us-east-1", body,
                {"KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "CiphertextBlob": "..."},
                user_agent=USER_AGENT)


def main() -> None:
    """Time N recordings, then fill the ring to its bound and measure what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="recordings to time (default 2000)")
    n = parser.parse_args().n
    call = _setup()
    for _ in range(50):  # warm caches (botocore shapes, moto lookups)
        record(call)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        record(call)
        times.append(time.perf_counter() - start)
    times.sort()
    median, p99 = statistics.median(times) * 1e6, times[int(len(times) * 0.99)] * 1e6
    ring = store.trail(call.caller.account)
    ring.events.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(store.MAX_EVENTS):
        record(call)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    kept = len(ring.events)
    print("| measure | value |\n|---|---|")
    print(f"| recording one event, median | {median:.0f} µs |")
    print(f"| recording one event, p99 | {p99:.0f} µs |")
    print(f"| events recorded per second (one thread) | {1e6 / median:,.0f} |")
    print(f"| bytes per kept event | {held / kept:,.0f} B |")
    print(f"| ring at its bound ({kept:,} events) | {held / 2**20:.1f} MiB |")
    print(f"| one event's CloudTrailEvent JSON | {len(ring.events[-1].document):,} B |")


if __name__ == "__main__":
    main()
