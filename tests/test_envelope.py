"""kmscourse.envelope: the stored envelope round-trips, and context, tampering and the wrong key are refused."""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag

from kmscourse import envelope, prereqs
from kmscourse.errors import CourseError
from kmscourse.show import expect_exception

CONTEXT = {"purpose": "test"}


@pytest.fixture(scope="module")
def key(course):
    return prereqs.ensure_course_key(course)


def test_round_trip_and_nothing_secret_stored(course, key) -> None:
    kms = course.client("kms")
    data = b"x" * 5000
    blob = envelope.encrypt(kms, key.alias, data, CONTEXT)
    doc = json.loads(blob)
    assert set(doc) == {"format", "key_id", "encrypted_data_key", "nonce", "ciphertext"}
    assert doc["key_id"] == key.key_arn
    assert len(envelope.unpack(blob).ciphertext) == 5000 + 16  # AES-GCM appends a 16-byte tag
    assert envelope.decrypt(kms, blob, CONTEXT) == data


def test_wrong_context_is_refused_by_kms(course, key) -> None:
    kms = course.client("kms")
    blob = envelope.encrypt(kms, key.alias, b"data", CONTEXT)
    with pytest.raises(ClientError, match="InvalidCiphertextException"):
        envelope.decrypt(kms, blob, {"purpose": "other"})


def test_tampered_ciphertext_is_refused_by_aes_gcm(course, key) -> None:
    kms = course.client("kms")
    sealed = envelope.unpack(envelope.encrypt(kms, key.alias, b"data", CONTEXT))
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    blob = envelope.pack(envelope.Envelope(sealed.encrypted_data_key, sealed.nonce, flipped))
    with pytest.raises(InvalidTag):
        envelope.decrypt(kms, blob, CONTEXT)


def test_data_key_of_another_key(course, key) -> None:
    kms = course.client("kms")
    other = envelope.ensure_other_key(course)
    assert envelope.ensure_other_key(course) == other  # idempotent
    blob = envelope.encrypt(kms, other, b"data", CONTEXT)
    with pytest.raises(ClientError, match="IncorrectKeyException"):
        envelope.decrypt(kms, blob, CONTEXT, key_id=key.alias)


def test_unpack_explains_a_bad_blob() -> None:
    with pytest.raises(CourseError, match="not an envelope"):
        envelope.unpack(b'{"nonce": "x"}')


def test_expect_exception_prints_and_fails_loudly(capsys) -> None:
    with expect_exception(ValueError):
        raise ValueError("bad")
    assert capsys.readouterr().out == "Refused, as expected: ValueError: bad\n"
    with pytest.raises(CourseError, match="expected to fail with ValueError"):
        with expect_exception(ValueError):
            pass


def test_encryption_sdk_provider_round_trips_on_the_course_connection(course, key) -> None:
    import aws_encryption_sdk
    from aws_encryption_sdk import CommitmentPolicy

    esdk = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    provider = envelope.esdk_key_provider(course, key.key_arn)
    message, header = esdk.encrypt(source=b"hello" * 1000, key_provider=provider, encryption_context=CONTEXT)
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [key.key_arn]
    plaintext, header = esdk.decrypt(source=message, key_provider=provider)
    assert plaintext == b"hello" * 1000 and header.encryption_context["purpose"] == "test"
