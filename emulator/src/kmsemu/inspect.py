"""A look under the hood, in-process only: which version of a key's material made a ciphertext.

AWS never shows key material or says which version a ciphertext uses; KMS records it inside the ciphertext
and picks it on Decrypt. A program that runs the emulator in its own process can look.
"""
from __future__ import annotations

from typing import Any

from kmsemu.kms.extras import extras


class _Material:
    """Stands in for a moto Key, carrying one key material."""

    def __init__(self, material: bytes) -> None:
        self.key_material = material


def _key(account: str, region: str, key_id: str) -> Any:
    from moto.kms.models import kms_backends

    return kms_backends[account][region].keys[key_id]


def material_versions(account: str, region: str, key_id: str) -> int:
    """How many key materials the key holds (1 + rotations)."""
    return len(extras(_key(account, region, key_id)).earlier_materials) + 1


def material_version_of(account: str, region: str, key_id: str, ciphertext: bytes,
                        context: dict[str, str] | None = None) -> int | None:
    """Which material made `ciphertext` (1 = the original, 2 = after the first rotation...), or None."""
    from moto.kms.exceptions import InvalidCiphertextException
    from moto.kms.utils import decrypt

    key = _key(account, region, key_id)
    materials = [*extras(key).earlier_materials, key.key_material]
    for number, material in enumerate(materials, start=1):
        try:
            decrypt({key.id: _Material(material)}, ciphertext, context or {})
            return number
        except InvalidCiphertextException:
            continue
    return None
