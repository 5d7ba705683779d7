"""How much the authorization middleware adds to a KMS call: medians with and without it, from one run.

Two emulators share moto's state in this process: the course's (every middleware) and a twin built from the
same layer minus `authorization`. Calls alternate between them so both see the same machine load. The
in-process time of the decision alone (signature check excluded) is printed too.

    .venv/bin/python benchmarks/authorization_overhead.py [calls]
"""
from __future__ import annotations

import base64
import statistics
import sys
import time
from typing import Any, Callable

import kmscourse
from kmscourse import cast
from kmsemu import Emulator
from kmsemu import pipeline as layer
from kmsemu.auth import authorization
from kmsemu.kms import gate
from kmsemu.iam import principals


def _twin_without_auth() -> Emulator:
    """An emulator on another port whose layer is the course's minus the authorization middleware."""
    return Emulator(0, middleware=[m for m in layer.MIDDLEWARE if m is not authorization]).start()


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(calls: int = 300) -> None:
    """Print one table row per scenario: median ms with auth, without, and the difference."""
    course = kmscourse.start(quiet=True)
    twin = _twin_without_auth()
    colleague = cast.colleague(course)
    key_id = course.client("kms").create_key(Description=course.name("benchmark"))["KeyMetadata"]["KeyId"]
    blob = course.client("kms").encrypt(KeyId=key_id, Plaintext=b"x" * 64)["CiphertextBlob"]
    scenarios = {
        "learner Encrypt (key policy -> IAM admin)": (course.session, lambda kms: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 64)),
        "learner Decrypt (key from ciphertext)": (course.session, lambda kms: kms.decrypt(CiphertextBlob=blob)),
        "colleague Decrypt (IAM admin, other user)": (colleague.session, lambda kms: kms.decrypt(CiphertextBlob=blob)),
    }
    print(f"{calls} calls per scenario and side, alternating; median milliseconds per call")
    print(f"{'scenario':45} {'with auth':>10} {'without':>10} {'overhead':>10}")
    for name, (session, call) in scenarios.items():
        with_auth = session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url)
        without = session.client("kms", region_name=course.region, endpoint_url=twin.url)
        for _ in range(20):  # warm connections and caches on both sides
            call(with_auth), call(without)
        a, b = [], []
        for _ in range(calls):
            a.append(_timed(lambda: call(with_auth)))
            b.append(_timed(lambda: call(without)))
        print(f"{name:45} {_median_ms(a):10.3f} {_median_ms(b):10.3f} {_median_ms(a) - _median_ms(b):10.3f}")
    caller = principals.lookup(colleague.session.get_credentials().access_key)
    assert caller is not None
    body = {"CiphertextBlob": base64.b64encode(blob).decode()}
    decision = [_timed(lambda: gate.authorize(caller, "Decrypt", body, course.region)) for _ in range(calls)]
    print(f"{'decision only, in process (colleague Decrypt)':45} {_median_ms(decision):10.3f}")
    twin.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
