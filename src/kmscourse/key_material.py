"""A look under the emulator's hood: which version of a key's material made a ciphertext.

AWS never shows key material or says which version a ciphertext uses; KMS records it inside the ciphertext
and picks it on Decrypt. The embedded emulator runs in this process, so a lesson can look.
"""
from __future__ import annotations

from typing import Any

from .course import Course


class _Material:
    """Stands in for a moto Key, carrying one key material."""

    def __init__(self, material: bytes) -> None:
        self.key_material = material


def _moto_key(course: Course, key_id: str) -> Any:
    """The emulator's Key object for a key id."""
    from moto.kms.models import kms_backends

    return kms_backends[course.account_id][course.region].keys[key_id]


def versions(course: Course, key_id: str) -> int | None:
    """Emulator only: how many key materials the key holds (1 + rotations); None on a real account."""
    if course.backend != "emulator":
        return None
    from .emulator.kms_extras import extras

    return len(extras(_moto_key(course, key_id)).earlier_materials) + 1


def version_of(course: Course, key_id: str, ciphertext: bytes, context: dict[str, str] | None = None) -> int | None:
    """Emulator only: which material made `ciphertext` (1 = the original, 2 = after the first rotation...); None on AWS."""
    if course.backend != "emulator":
        return None
    from moto.kms.exceptions import InvalidCiphertextException
    from moto.kms.utils import decrypt

    from .emulator.kms_extras import extras

    key = _moto_key(course, key_id)
    materials = [*extras(key).earlier_materials, key.key_material]
    for number, material in enumerate(materials, start=1):
        try:
            decrypt({key.id: _Material(material)}, ciphertext, context or {})
            return number
        except InvalidCiphertextException:
            continue
    return None
