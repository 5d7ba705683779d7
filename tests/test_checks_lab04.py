"""Lab 04's check: every common envelope mistake gets its own hint, tested by making that mistake."""
from __future__ import annotations

import base64
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kmscourse import envelope
from kmscourse.checks import lab04
from kmscourse.envelope import Envelope, aad, pack, unpack


def _encryptor(course, key_id, with_context=True, leak_key=False, store_plaintext=False, key_spec="AES_256"):
    kms = course.client("kms")

    def envelope_encrypt(plaintext, context):
        extra = {"EncryptionContext": context} if with_context else {}
        data_key = kms.generate_data_key(KeyId=key_id, KeySpec=key_spec, **extra)
        nonce = os.urandom(12)
        body = plaintext if store_plaintext else AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, aad(context))
        blob = pack(Envelope(data_key["CiphertextBlob"], nonce, body, data_key["KeyId"]))
        if leak_key:
            doc = json.loads(blob)
            doc["data_key"] = base64.b64encode(data_key["Plaintext"]).decode()
            blob = json.dumps(doc).encode()
        return blob

    return envelope_encrypt


def _decryptor(course, send_context=True, fixed_context=None):
    kms = course.client("kms")

    def envelope_decrypt(blob, context):
        context = fixed_context or context
        sealed = unpack(blob)
        extra = {"EncryptionContext": context} if send_context else {}
        data_key = kms.decrypt(CiphertextBlob=sealed.encrypted_data_key, **extra)["Plaintext"]
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, aad(context))

    return envelope_decrypt


def test_the_module_functions_pass(course, key) -> None:
    kms = course.client("kms")
    result = lab04.check(course, lambda p, c: envelope.encrypt(kms, key.alias, p, c), lambda b, c: envelope.decrypt(kms, b, c))
    assert result.passed, str(result)
    assert len(result.items) == 8


def test_hand_written_answer_passes(course, key) -> None:
    assert lab04.check(course, _encryptor(course, key.alias), _decryptor(course)).passed


def test_plaintext_key_left_in_the_envelope(course, key) -> None:
    result = lab04.check(course, _encryptor(course, key.alias, leak_key=True), _decryptor(course))
    assert result.hints() == [
        "your envelope contains the plaintext data key (as base64); store only CiphertextBlob from generate_data_key "
        "and throw Plaintext away."
    ]


def test_wrong_key_alias_names_the_key_used(course, key) -> None:
    other = envelope.ensure_other_key(course)
    result = lab04.check(course, _encryptor(course, other), _decryptor(course))
    assert result.hints() == [
        f"your data key was made under {other} (alias/{course.name('other')}); make it with KeyId='{key.alias}'."
    ]


def test_missing_context_on_write(course, key) -> None:
    result = lab04.check(course, _encryptor(course, key.alias, with_context=False), _decryptor(course, send_context=False))
    assert result.hints() == [
        "the data key was made without an encryption context; pass EncryptionContext=context to generate_data_key."
    ]


def test_missing_context_on_read(course, key) -> None:
    result = lab04.check(course, _encryptor(course, key.alias), _decryptor(course, send_context=False))
    assert result.hints() == [
        "envelope_decrypt raised InvalidCiphertextException from Decrypt, though the data key opens with the right "
        "context: pass EncryptionContext=context to kms.decrypt when you read."
    ]


def test_context_ignored_on_read(course, key) -> None:
    fixed = {"lab": "04", "learner": course.learner}
    result = lab04.check(course, _encryptor(course, key.alias), _decryptor(course, fixed_context=fixed))
    assert result.hints() == [
        "envelope_decrypt opened the envelope with context {'lab': '04', 'learner': 'someone-else'}; pass the context "
        "it is given to kms.decrypt as EncryptionContext (and to AES-GCM as associated data)."
    ]


def test_plaintext_stored_instead_of_ciphertext(course, key) -> None:
    result = lab04.check(course, _encryptor(course, key.alias, store_plaintext=True), _decryptor(course))
    assert result.hints()[0] == (
        "the file's first bytes are in your envelope (as base64); store the AES-GCM ciphertext, not the file."
    )
    assert result.hints()[1].startswith("envelope_decrypt raised InvalidTag: AES-GCM refused")


def test_returning_a_dict_instead_of_bytes(course, key) -> None:
    result = lab04.check(course, lambda p, c: {"ciphertext": b""}, _decryptor(course))
    assert result.hints() == ["it returned dict; return envelope.pack(Envelope(...)), which is bytes."]


def test_an_envelope_in_another_shape(course, key) -> None:
    result = lab04.check(course, lambda p, c: b"not json", _decryptor(course))
    assert result.hints()[0].startswith("This is not an envelope written by kmscourse.envelope.pack")


def test_encrypt_that_raises_is_a_hint_not_a_traceback(course, key) -> None:
    result = lab04.check(course, _encryptor(course, "alias/no-such-key"), _decryptor(course))
    assert result.hints() == ["envelope_encrypt(plaintext, context) raised NotFoundException from GenerateDataKey."]


def test_an_aes_128_data_key_does_not_pass(course, key) -> None:
    """AES-GCM works with a 16-byte key too, so the round trip succeeds; the check still asks for AES-256."""
    result = lab04.check(course, _encryptor(course, key.alias, key_spec="AES_128"), _decryptor(course))
    assert result.hints() == [
        "your data key is 16 bytes (128-bit), not the 32 bytes of an AES-256 key; ask generate_data_key for "
        "KeySpec='AES_256' (or NumberOfBytes=32)."
    ]


def test_nothing_defined_yet_names_the_exercises(course, key) -> None:
    """The lab's check cell, `lab04.check(course)`, before the exercises: no NameError, and the steps to do."""
    assert lab04.check(course).hints() == [
        "envelope_encrypt is not defined yet: do Exercise 1 first (its cell defines envelope_encrypt).",
        "envelope_decrypt is not defined yet: do Exercise 2 first (its cell defines envelope_decrypt).",
    ]
