"""Requests AWS refuses before it acts: a misspelled operation, a stale signature and a body the signature does not
cover (a user giving itself permissions is in test_access_other_services.py). Signed with botocore's own SigV4 signer
and sent raw, so each test controls the target, the time and the body; the same tests run unchanged on a real account
(KMSEMU_BACKEND=aws).
"""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from typing import Any
from unittest import mock

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

JSON = "application/x-amz-json-1.1"


def _endpoint(course: Any) -> str:
    return course.endpoint_url or f"https://kms.{course.region}.amazonaws.com"


def _send(course: Any, target: str, body: bytes, *, when: dt.datetime | None = None, payload_hash: str | None = None,
          sent_body: bytes | None = None) -> tuple[int, dict[str, Any]]:
    """POST a KMS JSON request signed for `body` (at `when`, or now), sending `sent_body` instead when given."""
    url = _endpoint(course).rstrip("/") + "/"
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": JSON, "X-Amz-Target": target})
    if payload_hash:
        request.context["payload_hash"] = payload_hash
        request.headers["X-Amz-Content-SHA256"] = payload_hash
    credentials = course.session.get_credentials().get_frozen_credentials()
    signer = SigV4Auth(credentials, "kms", course.region)
    if when is None:
        signer.add_auth(request)
    else:
        naive = when.astimezone(dt.UTC).replace(tzinfo=None)
        with mock.patch("botocore.auth.get_current_datetime", lambda *args, **kwargs: naive):
            signer.add_auth(request)
    headers = dict(request.headers.items())
    raw = urllib.request.Request(url, data=sent_body if sent_body is not None else body, headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(raw, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _code(answer: dict[str, Any]) -> str:
    return str(answer.get("__type", "")).rsplit("#", 1)[-1]


@pytest.mark.behaviour("A misspelled KMS operation is refused with UnknownOperationException")
def test_a_misspelled_target_is_refused(course) -> None:
    """An X-Amz-Target naming no KMS operation is answered 400 UnknownOperationException, and nothing is done;
    the same request with the right spelling succeeds.
    https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html"""
    status, answer = _send(course, "TrentService.ListKeyz", b"{}")
    assert (status, _code(answer)) == (400, "UnknownOperationException"), answer
    status, answer = _send(course, "TrentService.ListKeys", b"{}")
    assert status == 200 and "Keys" in answer, answer


@pytest.mark.behaviour("A KMS request signed more than five minutes ago is refused as expired")
def test_a_stale_signature_is_refused(course) -> None:
    """SigV4 requests must arrive within five minutes of their X-Amz-Date: one signed an hour ago gets 400
    InvalidSignatureException ("Signature expired").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html"""
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    status, answer = _send(course, "TrentService.ListKeys", b"{}", when=hour_ago)
    assert (status, _code(answer)) == (400, "InvalidSignatureException"), answer
    assert "Signature expired" in str(answer.get("message", answer.get("Message", ""))), answer


@pytest.mark.behaviour("A KMS request whose body is not the one signed is refused")
def test_a_body_the_signature_does_not_cover_is_refused(course, made) -> None:
    """The body's hash is part of the signature: a request signed for one Encrypt body and sent with another
    (another plaintext) gets 400 InvalidSignatureException, and no ciphertext.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"""
    key_id = made.key()["KeyId"]
    signed = json.dumps({"KeyId": key_id, "Plaintext": "aGVsbG8="}).encode()
    swapped = json.dumps({"KeyId": key_id, "Plaintext": "ZXZpbA=="}).encode()
    status, answer = _send(course, "TrentService.Encrypt", signed, sent_body=swapped)
    assert (status, _code(answer)) == (400, "InvalidSignatureException"), answer
    assert "CiphertextBlob" not in answer


@pytest.mark.behaviour("KMS does not accept UNSIGNED-PAYLOAD")
def test_kms_refuses_an_unsigned_payload(course) -> None:
    """Only S3 lets a request leave its payload unsigned; a KMS request signed with x-amz-content-sha256
    UNSIGNED-PAYLOAD does not match the signature KMS computes over the body: 400 InvalidSignatureException.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html"""
    status, answer = _send(course, "TrentService.ListKeys", b"{}", payload_hash="UNSIGNED-PAYLOAD")
    assert (status, _code(answer)) == (400, "InvalidSignatureException"), answer
