"""Envelope encryption by hand (lesson 04): a KMS data key, AES-GCM on this machine, and one stored envelope.

The envelope is a small JSON document holding the *encrypted* data key, the nonce and the ciphertext.
The encryption context is not stored: whoever decrypts must state it, and KMS and AES-GCM both check it.
The lesson then does the same with the AWS Encryption SDK and an AWS KMS keyring (`kms_keyring`); the Material
Providers Library is imported only when a keyring is made, so `import kmscourse` stays fast.
"""
from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .course import Course
from .errors import CourseError

FORMAT = "kmscourse-envelope/1"
"""The `format` field of every envelope this module writes."""

NONCE_BYTES = 12
"""AES-GCM's standard nonce length; a nonce must never repeat under the same data key."""

FIELDS = ("encrypted_data_key", "nonce", "ciphertext")
"""The binary fields of an envelope, stored as base64 text."""

SDK_STREAM_LOGGER = "aws_encryption_sdk.streaming_client"
"""The AWS Encryption SDK logger that reports, with a traceback, a message it stopped reading part way."""


@dataclass(frozen=True)
class Envelope:
    """What is stored: the data key as KMS encrypted it, the nonce, the AES-GCM ciphertext (with its tag)."""

    encrypted_data_key: bytes
    nonce: bytes
    ciphertext: bytes
    key_id: str = ""
    """The ARN of the KMS key that encrypted the data key (informational; KMS reads it from the blob anyway)."""


def aad(context: Mapping[str, str]) -> bytes:
    """The encryption context as AES-GCM associated data: canonical JSON, keys sorted."""
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":")).encode()


def pack(envelope: Envelope) -> bytes:
    """The envelope as the JSON bytes you store next to (or instead of) the file."""
    doc: dict[str, Any] = {"format": FORMAT, "key_id": envelope.key_id}
    doc.update({name: base64.b64encode(getattr(envelope, name)).decode() for name in FIELDS})
    return json.dumps(doc, indent=1).encode()


def unpack(blob: bytes) -> Envelope:
    """Read an envelope written by `pack`; a blob in another shape is explained in one sentence."""
    try:
        doc = json.loads(blob)
        raw = [base64.b64decode(doc[name], validate=True) for name in FIELDS]
        return Envelope(raw[0], raw[1], raw[2], key_id=doc.get("key_id", ""))
    except (ValueError, KeyError, TypeError) as exc:
        raise CourseError(
            f"This is not an envelope written by kmscourse.envelope.pack ({type(exc).__name__}: {exc}); "
            "build it with pack(Envelope(encrypted_data_key, nonce, ciphertext))."
        ) from None


def encrypt(kms: Any, key_id: str, plaintext: bytes, context: Mapping[str, str]) -> bytes:
    """Envelope-encrypt: ask KMS for a data key, encrypt locally with AES-GCM, keep only the encrypted key."""
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=dict(context))
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key["Plaintext"]).encrypt(nonce, plaintext, aad(context))
    return pack(Envelope(data_key["CiphertextBlob"], nonce, ciphertext, data_key["KeyId"]))


def decrypt(kms: Any, blob: bytes, context: Mapping[str, str], key_id: str | None = None) -> bytes:
    """Open an envelope: KMS decrypts the data key (checking the context), then AES-GCM decrypts the data."""
    envelope = unpack(blob)
    extra = {"KeyId": key_id} if key_id else {}
    data_key = kms.decrypt(CiphertextBlob=envelope.encrypted_data_key, EncryptionContext=dict(context), **extra)
    return AESGCM(data_key["Plaintext"]).decrypt(envelope.nonce, envelope.ciphertext, aad(context))


def ensure_other_key(course: Course) -> str:
    """A second KMS key, `alias/kmscourse-<learner>-other`, created once and reused; returns its key ARN."""
    kms = course.client("kms")
    alias = f"alias/{course.name('other')}"
    try:
        return str(kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
    key = kms.create_key(Description="kmscourse: a second key, to show data keys are tied to theirs",
                         Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    return str(key["Arn"])


def kms_keyring(kms: Any, key_id: str) -> Any:
    """An AWS KMS keyring (Material Providers Library) for `key_id`, calling KMS through the boto3 client `kms`.

    To encrypt, `key_id` may be any identifier KMS accepts; to decrypt, it must be the key ARN: the keyring
    compares it with the ARN stored beside each encrypted data key, and refuses an alias before calling KMS.
    """
    from aws_cryptographic_material_providers.mpl import AwsCryptographicMaterialProviders
    from aws_cryptographic_material_providers.mpl.config import MaterialProvidersConfig
    from aws_cryptographic_material_providers.mpl.models import CreateAwsKmsKeyringInput

    providers = AwsCryptographicMaterialProviders(config=MaterialProvidersConfig())
    return providers.create_aws_kms_keyring(input=CreateAwsKmsKeyringInput(kms_key_id=key_id, kms_client=kms))


class _NotClosingNoise(logging.Filter):
    """Drops the Encryption SDK's "Error on closing" record, which follows every refused decrypt."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "Error on closing"


@contextmanager
def hide_close_traceback() -> Iterator[None]:
    """Inside the block, hide the SDK's second traceback ("Error on closing") after a refused decrypt.

    The refusal itself still raises. Only the log record about the half-read message ("Footer not read") is
    dropped, and only until the block ends.
    """
    logger = logging.getLogger(SDK_STREAM_LOGGER)
    noise = _NotClosingNoise()
    logger.addFilter(noise)
    try:
        yield
    finally:
        logger.removeFilter(noise)
