"""kmscourse.envelope: the stored envelope round-trips, and context, tampering and the wrong key are refused."""
from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag

from kmscourse import envelope
from kmscourse.errors import CourseError
from kmscourse.show import expect_exception

CONTEXT = {"purpose": "test"}



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


@pytest.fixture(scope="module")
def esdk():
    import aws_encryption_sdk
    from aws_encryption_sdk import CommitmentPolicy

    return aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)


def _kms_calls(kms) -> list[str]:
    """The names of the KMS operations `kms` sends from now on."""
    calls: list[str] = []
    kms.meta.events.register("before-call.kms.*", lambda model, **_: calls.append(model.name))
    return calls


def test_kms_keyring_round_trips_on_the_course_client(course, key, esdk) -> None:
    kms = course.client("kms")
    keyring = envelope.kms_keyring(kms, key.key_arn)
    calls = _kms_calls(kms)
    message, header = esdk.encrypt(source=b"hello" * 1000, keyring=keyring, encryption_context=CONTEXT)
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [key.key_arn]
    assert header.algorithm.name == "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"  # committing and signed
    plaintext, header = esdk.decrypt(source=message, keyring=keyring, encryption_context=CONTEXT)
    assert plaintext == b"hello" * 1000 and header.encryption_context["purpose"] == "test"
    assert calls == ["GenerateDataKey", "Decrypt"]  # the KMS calls lesson 04 made by hand


def test_sdk_refuses_a_different_context_value_before_calling_kms(course, key, esdk) -> None:
    """What lesson 04 says about encryption_context on decrypt with a keyring, pair by pair."""
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

    kms = course.client("kms")
    keyring = envelope.kms_keyring(kms, key.key_arn)
    message, _ = esdk.encrypt(source=b"data", keyring=keyring, encryption_context={"purpose": "test", "team": "a"})
    calls = _kms_calls(kms)
    with envelope.hide_close_traceback(), pytest.raises(AWSEncryptionSDKClientError, match="does not match"):
        esdk.decrypt(source=message, keyring=keyring, encryption_context={"purpose": "test", "team": "b"})
    assert calls == []
    # pairs left out are not checked, and no context at all decrypts under the header's context
    assert esdk.decrypt(source=message, keyring=keyring, encryption_context={"purpose": "test"})[0] == b"data"
    assert esdk.decrypt(source=message, keyring=keyring)[0] == b"data"
    # a pair the message does not have goes to KMS with the rest, and KMS refuses
    calls.clear()
    with envelope.hide_close_traceback(), pytest.raises(AWSEncryptionSDKClientError):
        esdk.decrypt(source=message, keyring=keyring, encryption_context={"purpose": "test", "extra": "x"})
    assert calls == ["Decrypt"]


def test_a_decryption_keyring_needs_the_key_arn(course, key, esdk) -> None:
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

    kms = course.client("kms")
    by_alias = envelope.kms_keyring(kms, key.alias)
    message, header = esdk.encrypt(source=b"data", keyring=by_alias, encryption_context=CONTEXT)
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [key.key_arn]
    calls = _kms_calls(kms)
    with envelope.hide_close_traceback(), pytest.raises(AWSEncryptionSDKClientError, match="cannot be used for Decrypt"):
        esdk.decrypt(source=message, keyring=by_alias, encryption_context=CONTEXT)
    assert calls == []
    assert esdk.decrypt(source=message, keyring=envelope.kms_keyring(kms, key.key_arn))[0] == b"data"


def test_a_keyring_asks_kms_only_for_data_keys_wrapped_under_its_own_arn(course, key, esdk) -> None:
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

    kms = course.client("kms")
    foreign, _ = esdk.encrypt(source=b"data", keyring=envelope.kms_keyring(kms, envelope.ensure_other_key(course)),
                              encryption_context=CONTEXT)
    calls = _kms_calls(kms)
    with envelope.hide_close_traceback(), pytest.raises(AWSEncryptionSDKClientError, match="No Encrypted Data Keys found to match"):
        esdk.decrypt(source=foreign, keyring=envelope.kms_keyring(kms, key.key_arn), encryption_context=CONTEXT)
    assert calls == []


def test_hide_close_traceback_drops_only_that_record_and_only_inside(course, key, esdk, caplog) -> None:
    from aws_encryption_sdk.exceptions import AWSEncryptionSDKClientError

    keyring = envelope.kms_keyring(course.client("kms"), key.key_arn)
    message, _ = esdk.encrypt(source=b"data", keyring=keyring, encryption_context=CONTEXT)
    wrong = {"purpose": "other"}
    with caplog.at_level(logging.ERROR, logger=envelope.SDK_STREAM_LOGGER):
        with envelope.hide_close_traceback(), pytest.raises(AWSEncryptionSDKClientError):
            esdk.decrypt(source=message, keyring=keyring, encryption_context=wrong)
        assert [r.getMessage() for r in caplog.records] == []
        logging.getLogger(envelope.SDK_STREAM_LOGGER).error("something else")
        with pytest.raises(AWSEncryptionSDKClientError):
            esdk.decrypt(source=message, keyring=keyring, encryption_context=wrong)
    assert [r.getMessage() for r in caplog.records] == ["something else", "Error on closing"]


def test_import_kmscourse_does_not_load_the_sdk() -> None:
    """Lesson 04 imports the Encryption SDK and the MPL in its SDK section; Setup must not pay for them."""
    code = ("import sys, kmscourse, kmscourse.envelope; "
            "print([m for m in ('aws_encryption_sdk', 'aws_cryptographic_material_providers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
