"""A look under the emulator's hood: which version of a key's material made a ciphertext (kmsemu.inspect).

AWS never shows key material or says which version a ciphertext uses; KMS records it inside the ciphertext
and picks it on Decrypt. The embedded emulator runs in this process, so a lesson can look.
"""
from __future__ import annotations

from .course import Course


def versions(course: Course, key_id: str) -> int | None:
    """Emulator only: how many key materials the key holds (1 + rotations); None on a real account."""
    if course.backend != "emulator":
        return None
    from kmsemu.inspect import material_versions

    return material_versions(course.account_id, course.region, key_id)


def version_of(course: Course, key_id: str, ciphertext: bytes, context: dict[str, str] | None = None) -> int | None:
    """Emulator only: which material made `ciphertext` (1 = the original, 2 = after the first rotation...); None on AWS."""
    if course.backend != "emulator":
        return None
    from kmsemu.inspect import material_version_of

    return material_version_of(course.account_id, course.region, key_id, ciphertext, context)
