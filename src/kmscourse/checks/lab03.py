"""Lab 03: a file encrypted with the CLI under the course key, and decrypted back to the original."""
from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .. import prereqs, stacks
from ..course import Course
from .elsewhere import find_region
from .result import CheckResult

_BASE64 = re.compile(rb"^[A-Za-z0-9+/=\s]+$")


def _decrypt(kms: Any, blob: bytes) -> dict[str, Any] | None:
    try:
        return kms.decrypt(CiphertextBlob=blob)
    except ClientError:
        return None


def looks_like_base64(data: bytes) -> bytes | None:
    """The decoded bytes when `data` is base64 text, else None."""
    if not data or not _BASE64.match(data):
        return None
    try:
        return base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def check(course: Course, plaintext_path: Any, ciphertext_path: Any, decrypted_path: Any) -> CheckResult:
    """The ciphertext file is binary KMS ciphertext under the course key, and the decrypted file equals the original."""
    result = CheckResult("Lab 03")
    paths = {"plaintext_path": plaintext_path, "ciphertext_path": ciphertext_path, "decrypted_path": decrypted_path}
    for label, value in paths.items():
        exists = isinstance(value, (str, Path)) and Path(value).is_file()
        if not result.add(f"{label} is a file", exists, f"{label} is {value!r}, which is not a file; write it first, then pass its path."):
            return result.finish()
    original, blob, decrypted = (Path(p).read_bytes() for p in paths.values())
    kms = course.client("kms")
    answer = _decrypt(kms, blob) if blob else None
    decoded = looks_like_base64(blob)
    hint = f"{ciphertext_path} ({len(blob)} bytes) is not ciphertext KMS can decrypt in {course.region}."
    if not blob:
        hint = (f"{ciphertext_path} is empty; the encrypt command failed, so read its error message (a NotFoundException "
                f"naming a region other than {course.region} means your --region is wrong: leave it out).")
    elif answer is None and decoded is not None and _decrypt(kms, decoded) is not None:
        hint = (f"{ciphertext_path} is base64 text (it starts with {blob[:8].decode()!r}), not binary ciphertext: "
                "`--output text --query CiphertextBlob` prints base64. Pipe it through `base64 --decode` before "
                "writing the .enc file, or fileb:// hands KMS the base64 characters.")
    elif answer is None:
        other = find_region(course, "kms", lambda c: _decrypt(c, decoded or blob) is not None)
        if other:
            hint = (f"{ciphertext_path} was encrypted under a key in {other}, but the course key is in {course.region}; "
                    f"encrypt with --region {course.region} (or leave --region out).")
    if answer is None:
        result.add("the ciphertext file is binary KMS ciphertext", False, hint)
        return result.finish()
    result.add("the ciphertext file is binary KMS ciphertext", True, hint)
    stack = prereqs.key_stack_name(course)
    key = stacks.outputs(course, stack).get("KeyArn") if stacks.status(course, stack) else None
    result.add(
        "it was encrypted under the course key",
        answer["KeyId"] == key,
        f"it was encrypted under {answer['KeyId']}, but the course key is {key}; use --key-id {prereqs.default_alias(course)}.",
    )
    result.add(
        "it decrypts to the original file",
        answer["Plaintext"] == original,
        f"it decrypts to {len(answer['Plaintext'])} bytes that differ from {plaintext_path} ({len(original)} bytes); "
        "encrypt the original file with fileb://.",
    )
    hint = f"{decrypted_path} ({len(decrypted)} bytes) differs from {plaintext_path} ({len(original)} bytes)."
    if looks_like_base64(decrypted) == original:
        hint = (f"{decrypted_path} is still base64 text ({decrypted[:8].decode(errors='replace')!r}...): "
                "`--output text --query Plaintext` prints base64; pipe it through `base64 --decode`.")
    elif not decrypted:
        hint = (f"{decrypted_path} is empty; the decrypt command failed, so read its error message (an error from a region "
                f"other than {course.region} means your --region is wrong: leave it out).")
    result.add("the decrypted file equals the original", decrypted == original, hint)
    return result.finish()
