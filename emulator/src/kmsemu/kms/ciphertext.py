"""The errors AWS gives for ciphertext problems, found by reading moto's ciphertext header.

moto's ciphertext is `key id (36 bytes) | IV | tag | AES-GCM body` (moto/kms/utils.py); AWS's format differs,
but both name the key, which is what Decrypt's error choice depends on.
"""
from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from kmsemu.errors import AwsError

if TYPE_CHECKING:
    from moto.kms.models import Key, KmsBackend

_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")
KEY_ID_LEN = 36
HEADER_LEN = 36 + 12 + 16

UNKNOWN_KEY_MESSAGE = (
    "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
    "or you are not allowed to access."
)


def header_key_id(blob: bytes) -> str | None:
    """The key id a moto ciphertext names, or None when the blob is not KMS ciphertext at all."""
    if len(blob) <= HEADER_LEN:
        return None
    try:
        key_id = blob[:KEY_ID_LEN].decode("ascii")
    except UnicodeDecodeError:
        return None
    return key_id if _KEY_ID.match(key_id) else None


def decode_blob(value: Any) -> bytes:
    """The bytes of a base64 CiphertextBlob parameter (already checked by validation)."""
    return base64.b64decode(value) if isinstance(value, str) else b""


def ciphertext_key(backend: KmsBackend, value: Any) -> Key:
    """The key that made this ciphertext, or the error AWS gives for a blob it cannot use."""
    key_id = header_key_id(decode_blob(value))
    if key_id is None:
        # Also what `fileb://` of the base64 text from `--output text` produces: base64 bytes, not ciphertext.
        raise AwsError("InvalidCiphertextException", "")
    from kmsemu.kms.cross_account import by_key_id

    key = by_key_id(backend.region_name, key_id, backend.account_id)  # a symmetric ciphertext finds its key in any account
    if key is None:
        raise AwsError("AccessDeniedException", UNKNOWN_KEY_MESSAGE)
    return key


def incorrect_key() -> AwsError:
    """IncorrectKeyException: the KeyId given to Decrypt is not the key that encrypted the ciphertext."""
    return AwsError(
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )


def invalid_signature() -> AwsError:
    """KMSInvalidSignatureException: Verify found that the signature does not match."""
    return AwsError("KMSInvalidSignatureException", "")
