"""Lab 04: envelope encryption by hand, with the data key from the course key and an encryption context."""
from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from .. import envelope
from ..course import Course
from ..errors import CourseError
from ..prereqs import default_alias
from .common import course_key_arn
from .notebook import NOT_SET, answer, require
from .result import CheckResult

PLAINTEXT = b"".join(b"line %04d: the payroll file the check encrypts, well over the 4 KB Encrypt limit\n" % i for i in range(80))
"""What the check encrypts with your function: about 6.5 KB, too big for a plain KMS Encrypt."""

AES_256_BYTES = 32
"""The length of the plaintext data key the lab asks for (GenerateDataKey with KeySpec AES_256)."""


def _failure(exc: BaseException) -> str:
    """An exception in one phrase: the AWS error code, or the exception's type and message."""
    if isinstance(exc, ClientError):
        return f"{exc.response['Error']['Code']} from {exc.operation_name}"
    return f"{type(exc).__name__}{': ' + str(exc) if str(exc) else ''}"


def _forms(secret: bytes) -> dict[str, bytes]:
    """The ways a key or text can sit in a JSON envelope: raw, base64, hex."""
    return {"raw bytes": secret, "base64": base64.b64encode(secret), "hex": secret.hex().encode()}


def _found_as(secret: bytes, blob: bytes) -> str:
    """How `secret` appears in `blob` ('' when it does not)."""
    return next((form for form, text in _forms(secret).items() if text in blob), "")


def check(course: Course, envelope_encrypt: Callable[[bytes, dict[str, str]], Any] = NOT_SET,
          envelope_decrypt: Callable[[bytes, dict[str, str]], Any] = NOT_SET) -> CheckResult:
    """Encrypt a 6.5 KB file with your functions and inspect the envelope through KMS.

    The lab's check cell, `lab04.check(course)`, reads both functions from the notebook.
    """
    result = CheckResult("Lab 04")
    kms = course.client("kms")
    context = {"lab": "04", "learner": course.learner}
    alias = default_alias(course)
    key_arn = course_key_arn(course, result, kms)
    envelope_encrypt, envelope_decrypt = answer(envelope_encrypt, "envelope_encrypt"), answer(envelope_decrypt, "envelope_decrypt")
    encrypt_defined = require(result, envelope_encrypt, "envelope_encrypt", "do Exercise 1", "envelope_encrypt runs")
    decrypt_defined = require(result, envelope_decrypt, "envelope_decrypt", "do Exercise 2", "envelope_decrypt gives back the original")
    if key_arn is None or not (encrypt_defined and decrypt_defined):
        return result.finish()

    try:
        blob = envelope_encrypt(PLAINTEXT, dict(context))
    except Exception as exc:  # the learner's code: any failure is a hint, never a traceback
        result.add("envelope_encrypt runs", False, f"envelope_encrypt(plaintext, context) raised {_failure(exc)}.")
        return result.finish()
    if not result.add("envelope_encrypt returns the envelope as bytes", isinstance(blob, bytes),
                      f"it returned {type(blob).__name__}; return envelope.pack(Envelope(...)), which is bytes."):
        return result.finish()
    try:
        sealed = envelope.unpack(blob)
    except CourseError as exc:
        result.add("the envelope is in the course's format", False, str(exc))
        return result.finish()
    result.add("the envelope is in the course's format", True)

    data_key = _data_key(kms, sealed.encrypted_data_key, context, key_arn, alias, result)
    if data_key is not None:
        result.add("the data key is an AES-256 key (32 bytes)", len(data_key) == AES_256_BYTES,
                   f"your data key is {len(data_key)} bytes ({len(data_key) * 8}-bit), not the 32 bytes of an AES-256 key; "
                   "ask generate_data_key for KeySpec='AES_256' (or NumberOfBytes=32).")
        form = _found_as(data_key, blob)
        result.add("the stored envelope holds no plaintext data key", not form,
                   f"your envelope contains the plaintext data key (as {form}); store only CiphertextBlob from "
                   "generate_data_key and throw Plaintext away.")
    form = _found_as(PLAINTEXT[:63], blob)
    result.add("the stored envelope holds no plaintext", not form,
               f"the file's first bytes are in your envelope (as {form}); store the AES-GCM ciphertext, not the file.")

    try:
        opened = envelope_decrypt(blob, dict(context))
    except Exception as exc:
        result.add("envelope_decrypt gives back the original", False, _decrypt_hint(exc, data_key is not None))
    else:
        result.add("envelope_decrypt gives back the original", opened == PLAINTEXT,
                   f"it returned {type(opened).__name__} of length {len(opened) if hasattr(opened, '__len__') else '?'}, "
                   f"not the {len(PLAINTEXT)} bytes encrypted; return AESGCM(data_key).decrypt(...)'s result.")
    wrong = {"lab": "04", "learner": "someone-else"}
    try:
        envelope_decrypt(blob, dict(wrong))
    except Exception:
        result.add("a wrong encryption context is refused", True)
    else:
        result.add("a wrong encryption context is refused", False,
                   f"envelope_decrypt opened the envelope with context {wrong}; pass the context it is given to "
                   "kms.decrypt as EncryptionContext (and to AES-GCM as associated data).")
    return result.finish()


def _data_key(kms: Any, encrypted: bytes, context: dict[str, str], key_arn: str, alias: str,
              result: CheckResult) -> bytes | None:
    """Decrypt the stored data key as KMS would for a reader; record whether it is the course key's, bound to the context."""
    name = "the data key comes from the course key, bound to the encryption context"
    try:
        answer = kms.decrypt(CiphertextBlob=encrypted, EncryptionContext=context)
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        hint = f"KMS cannot decrypt the stored data key with context {context} ({code}); store CiphertextBlob from generate_data_key."
        if code == "InvalidCiphertextException":
            try:
                kms.decrypt(CiphertextBlob=encrypted)
                hint = ("the data key was made without an encryption context; pass EncryptionContext=context "
                        "to generate_data_key.")
            except ClientError:
                pass
        result.add(name, False, hint)
        return None
    made_under = answer["KeyId"]
    if made_under != key_arn:
        aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=made_under).get("Aliases", [])]
        shown = f"{made_under} ({', '.join(aliases)})" if aliases else made_under
        result.add(name, False, f"your data key was made under {shown}; make it with KeyId='{alias}'.")
        return answer["Plaintext"]
    result.add(name, True)
    return bytes(answer["Plaintext"])


def _decrypt_hint(exc: BaseException, key_bound: bool) -> str:
    """The hint for envelope_decrypt failing on the right context."""
    what = _failure(exc)
    if isinstance(exc, ClientError) and exc.response["Error"]["Code"] == "InvalidCiphertextException" and key_bound:
        return (f"envelope_decrypt raised {what}, though the data key opens with the right context: "
                "pass EncryptionContext=context to kms.decrypt when you read.")
    if type(exc).__name__ == "InvalidTag":
        return (f"envelope_decrypt raised {what}: AES-GCM refused; decrypt with the stored nonce and the same "
                "associated data, envelope.aad(context), as when encrypting.")
    return f"envelope_decrypt(blob, context) raised {what}."
