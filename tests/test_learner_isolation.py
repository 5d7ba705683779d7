"""Two learners on one host (a JupyterHub node, where everyone shares 127.0.0.1): neither can use or reset the other's
emulator, though each can reach the other's port."""
from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from support import foreground_emulator, interrupt


@pytest.fixture(scope="module")
def learners() -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Learner A's and learner B's emulators, stopped by PID afterwards."""
    a, a_env = foreground_emulator()
    b, b_env = foreground_emulator()
    try:
        yield a_env, b_env
    finally:
        for proc in (a, b):
            interrupt(proc)


def _kms(endpoint: str, creds: dict[str, str]):
    return boto3.client("kms", region_name="us-west-2", endpoint_url=endpoint, aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"], config=Config(retries={"max_attempts": 1}))


def test_each_learner_uses_their_own_emulator(learners) -> None:
    a, b = learners
    assert a["AWS_ACCESS_KEY_ID"] != b["AWS_ACCESS_KEY_ID"] and a["AWS_ENDPOINT_URL"] != b["AWS_ENDPOINT_URL"]
    key = _kms(a["AWS_ENDPOINT_URL"], a).create_key(Description="A's key")["KeyMetadata"]["KeyId"]
    assert _kms(a["AWS_ENDPOINT_URL"], a).describe_key(KeyId=key)["KeyMetadata"]["Description"] == "A's key"


def test_b_cannot_use_a_emulator_with_b_credentials(learners) -> None:
    a, b = learners
    with pytest.raises(ClientError) as info:
        _kms(a["AWS_ENDPOINT_URL"], b).list_keys()
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"


@pytest.mark.parametrize("path", ["/moto-api/reset", "/moto-api/data.json"])
def test_b_cannot_reset_or_read_a_emulator(learners, path: str) -> None:
    a, _ = learners
    method = "POST" if path.endswith("reset") else "GET"
    request = urllib.request.Request(a["AWS_ENDPOINT_URL"] + path, method=method, data=b"" if method == "POST" else None)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert 400 <= info.value.code < 500
    assert b"A's key" not in info.value.read()
    kms = _kms(a["AWS_ENDPOINT_URL"], a)
    if not any(kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"].get("Description") == "A's key" for k in kms.list_keys()["Keys"]):
        kms.create_key(Description="A's key")  # this test alone: make the state a reset would wipe
    request = urllib.request.Request(a["AWS_ENDPOINT_URL"] + path, method=method, data=b"" if method == "POST" else None)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    descriptions = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"].get("Description") for k in kms.list_keys()["Keys"]]
    assert "A's key" in descriptions, "A's state was wiped"
