"""Encryption context as authenticated data that only the exact same context matches.

moto joins keys and values with no separator, so {"ab": "c"} also decrypts ciphertext made under {"a": "bc"}.
AWS requires an exact, case-sensitive match:
https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
"""
from __future__ import annotations

import json

from kmsemu.patches import replace


def serialize(encryption_context: dict[str, str]) -> bytes:
    """The context as canonical JSON (sorted keys), which no other context serialises to."""
    return json.dumps(encryption_context or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def install() -> None:
    """Make moto's encrypt and decrypt bind the context unambiguously (they look the function up in moto.kms.utils)."""
    import moto.kms.utils as utils

    replace(utils, "_serialize_encryption_context", lambda original: serialize)
