"""Lesson 06's helpers around the Amazon S3 Encryption Client (`s3_encryption`): clients to wrap, and its metadata.

The encryption client registers hooks on the boto3 client it is given, which from then on encrypts and decrypts.
So wrap a client made for the purpose (`new_s3_client`), and keep `course.client("s3")` plain for raw reads.
"""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from .course import _CLIENT_CONFIG, Course

METADATA = {
    "x-amz-c": "content cipher: the algorithm suite id (115 = AES-256-GCM with HKDF and key commitment)",
    "x-amz-3": "the encrypted data key (base64), as KMS returned it",
    "x-amz-w": "wrapping algorithm of the data key (12 = kms+context: KMS with the encryption context)",
    "x-amz-t": "the encryption context KMS bound to the data key (yours plus the client's own entry)",
    "x-amz-d": "key commitment: proves which data key the ciphertext was made with",
    "x-amz-i": "message id: random, mixed into the key derivation",
    "x-amz-key-v2": "V2 format: the encrypted data key (base64)",
    "x-amz-wrap-alg": "V2 format: wrapping algorithm (kms+context)",
    "x-amz-matdesc": "V2 format: material description, the encryption context",
    "x-amz-cek-alg": "V2 format: content cipher (AES/GCM/NoPadding)",
    "x-amz-iv": "V2 format: the AES-GCM nonce",
    "x-amz-tag-len": "V2 format: AES-GCM tag length in bits",
}
"""What each S3 Encryption Client metadata entry holds: the V3 (compact) names first, then the V2 names of Ruby and Java."""

KEY_ENTRIES = ("x-amz-3", "x-amz-key-v2")
CONTEXT_ENTRIES = ("x-amz-t", "x-amz-matdesc")


def new_s3_client(course: Course) -> Any:
    """A new boto3 S3 client on the course backend, not the cached `course.client('s3')`, for the encryption client to wrap."""
    return course.session.client("s3", region_name=course.region, endpoint_url=course.endpoint_url, config=_CLIENT_CONFIG)


def is_client_encrypted(metadata: Mapping[str, str]) -> bool:
    """True when object metadata carries an S3 Encryption Client envelope (V3 or V2)."""
    return any(name in metadata for name in KEY_ENTRIES)


def encrypted_data_key(metadata: Mapping[str, str]) -> bytes:
    """The encrypted data key stored in the object's metadata."""
    return base64.b64decode(next(metadata[n] for n in KEY_ENTRIES if n in metadata))


def stored_context(metadata: Mapping[str, str]) -> dict[str, str]:
    """The encryption context stored in the object's metadata (empty when there is none)."""
    text = next((metadata[n] for n in CONTEXT_ENTRIES if n in metadata), "{}")
    return dict(json.loads(text))


def key_of_object(kms: Any, metadata: Mapping[str, str]) -> str:
    """The ARN of the KMS key whose data key encrypted the object, as KMS reports when decrypting that data key."""
    answer = kms.decrypt(CiphertextBlob=encrypted_data_key(metadata), EncryptionContext=stored_context(metadata))
    return str(answer["KeyId"])


RANDOM_ENTRIES = frozenset({"x-amz-3", "x-amz-d", "x-amz-i", "x-amz-key-v2", "x-amz-iv"})
"""Entries that differ on every upload (keys, nonces, commitments): shown by length only, so outputs repeat."""


def metadata_rows(metadata: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(entry, meaning, value) for each encryption entry present; random values are shown by their length."""
    rows = []
    for name, meaning in METADATA.items():
        if name in metadata:
            value = metadata[name]
            rows.append((name, meaning, f"({len(value)} characters of base64)" if name in RANDOM_ENTRIES else value))
    return rows
