"""The moto internals and bounds kmsemu.cloudtrail relies on: events live on moto's CloudTrail backend (a reset
forgets them), the ring is bounded, and a recorded event never carries the call's secrets."""
from __future__ import annotations

import base64
import json

from kmsemu.cloudtrail import store
from kmsemu.cloudtrail.events import Call, build
from kmsemu.iam.principals import Caller

ACCOUNT = "000000000043"  # an account no other test uses


def _caller() -> Caller:
    return Caller(f"arn:aws:iam::{ACCOUNT}:user/tester", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/tester", "User", "s", "tester")


def _event(operation: str = "GenerateRandom", body: dict | None = None) -> dict:
    event, _ = build(Call(_caller(), "AKIAEXAMPLE", "kms", operation, "eu-west-1", body or {}, {}))
    return event


def test_the_trail_is_kept_on_moto_cloudtrail_backend_and_a_reset_forgets_it() -> None:
    """store.trail() hangs the account's ring on cloudtrail_backends[account]["us-east-1"]; moto's reset makes new backends."""
    import datetime as dt

    from moto.cloudtrail.models import cloudtrail_backends
    from moto.moto_api import _internal as moto_api

    store.keep(_event(), dt.datetime.now(dt.UTC))
    assert cloudtrail_backends[ACCOUNT]["us-east-1"]._kmsemu_trail.events
    moto_api.moto_api_backend.reset()
    assert list(store.trail(ACCOUNT).newest_first()) == []


def test_the_ring_is_bounded() -> None:
    """A trail keeps its newest `size` events and drops the oldest first."""
    ring = store.Trail(size=3)
    made = [store.Stored(n, 0.0, "r", str(n), "E", "kms.amazonaws.com", True, "", "", (), "{}") for n in range(5)]
    for stored in made:
        ring.add(stored)
    assert [s.sequence for s in ring.newest_first()] == [4, 3, 2]
    assert store.MAX_EVENTS == 10_000


def test_secrets_are_never_logged() -> None:
    """Plaintext, ciphertext and data keys in a request or an answer never reach the event's JSON."""
    secret = base64.b64encode(b"top secret plaintext").decode()
    body = {"KeyId": "alias/x", "Plaintext": secret, "CiphertextBlob": secret, "EncryptionContext": {"k": "v"}}
    event, _ = build(Call(_caller(), "AKIAEXAMPLE", "kms", "Encrypt", "eu-west-1", body, {"CiphertextBlob": secret}))
    text = json.dumps(event)
    assert secret not in text and event["requestParameters"] == {
        "keyId": "alias/x", "encryptionContext": {"k": "v"}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
