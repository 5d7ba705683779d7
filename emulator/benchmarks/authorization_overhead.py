"""How much authorisation adds to a KMS call: medians with and without it, from one run.

Two emulators share moto's and kmsemu's state in this process: the course's (the whole pipeline) and a twin
whose pipeline allows every authenticated request (its authorisation step, `Pipeline.authorisers`, replaced
by one that refuses nothing; reading, authentication, identification and the semantics middleware stay).
Calls alternate between them so both see the same machine load. The in-process time of the KMS decision
alone (kmsemu.kms.gate.authorize, signature check excluded) is printed too.

    .venv/bin/python emulator/benchmarks/authorization_overhead.py [calls]
"""
from __future__ import annotations

import base64
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from emulator_overhead import serve

import kmscourse
from kmscourse import cast
from kmsemu import Emulator, pipeline
from kmsemu.iam import principals
from kmsemu.kms import gate


def _allow(request: Any, caller: principals.Caller) -> None:
    """An authorisation step that refuses nothing."""
    return None


class _AllowAll(Emulator):
    """An emulator whose pipeline authenticates every request but authorises each one unchecked."""

    def app(self) -> pipeline.WSGIApp:
        """The usual pipeline, its authorisers all replaced by `_allow`."""
        app = super().app()
        assert isinstance(app, pipeline.Pipeline), "kmsemu.pipeline.build no longer returns a Pipeline"
        app.authorisers = {service: _allow for service in app.authorisers}
        return app


def _median_ms(samples: list[float]) -> float:
    """The median of samples in seconds, in milliseconds."""
    return statistics.median(samples) * 1000


def _timed(call: Callable[[], Any]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(calls: int = 300) -> None:
    """Print one table row per scenario: median ms with auth, without, and the difference."""
    course = kmscourse.start(quiet=True)
    twin_server = serve(_AllowAll().app(), "allow-all")  # one emulator per process: the twin is only served
    twin_url = f"http://127.0.0.1:{twin_server.server_address[1]}"
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
        without = session.client("kms", region_name=course.region, endpoint_url=twin_url)
        for _ in range(20):  # warm connections and caches on both sides
            call(with_auth), call(without)
        a, b = [], []
        for _ in range(calls):
            a.append(_timed(lambda: call(with_auth)))  # noqa: B023 - called at once, in this iteration
            b.append(_timed(lambda: call(without)))  # noqa: B023 - called at once, in this iteration
        print(f"{name:45} {_median_ms(a):10.3f} {_median_ms(b):10.3f} {_median_ms(a) - _median_ms(b):10.3f}")
    caller = principals.lookup(colleague.session.get_credentials().access_key)
    assert caller is not None
    body = {"CiphertextBlob": base64.b64encode(blob).decode()}
    decision = [_timed(lambda: gate.authorize(caller, "Decrypt", body, course.region)) for _ in range(calls)]
    print(f"{'decision only, in process (colleague Decrypt)':45} {_median_ms(decision):10.3f}")
    twin_server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
