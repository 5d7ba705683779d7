"""Lab 03: a file encrypted with the CLI under the course key, and decrypted back to the original."""
from __future__ import annotations

import base64
import binascii
import re
import shlex
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .. import prereqs, stacks
from ..course import Course
from .elsewhere import find_region
from .notebook import NOT_SET, commands, is_set
from .result import CheckResult

_BASE64 = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|arn:.*)$")

LAB_FILES = ("work/03/lab-secret.txt", "work/03/lab-secret.enc", "work/03/lab-secret.out")
"""The lab's plaintext, ciphertext and decrypted files, checked when the check cell names none."""

_STEPS = {"plaintext_path": "run the setup cell first (it writes {path})", "ciphertext_path": "do Exercise 1 first (it writes {path})",
          "decrypted_path": "do Exercise 2 first (it writes {path})"}


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


def _option(command: str, name: str) -> str | None:
    """The value of `--name` in a shell command (`--name value` or `--name=value`), or None."""
    try:
        words = shlex.split(command.split("|", 1)[0])
    except ValueError:
        words = command.split()
    for i, word in enumerate(words):
        if word == f"--{name}" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(f"--{name}="):
            return word.split("=", 1)[1]
    return None


def _encrypt_command() -> str | None:
    """The notebook's latest `aws kms encrypt` command, as it ran, or None."""
    found = commands(r"\baws\b.*\bkms\s+encrypt\b")
    return found[0] if found else None


def key_hint(course: Course, key_id: str) -> str | None:
    """What is wrong with the --key-id the learner encrypted under (it failed, so something is), or None if nothing shows."""
    kms = course.client("kms")
    alias = prereqs.default_alias(course)
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            return None
        if not key_id.startswith("alias/") and not _KEY_ID.match(key_id):
            return (f"your --key-id is '{key_id}', which KMS reads as a key id and finds no key by it: an alias is named "
                    f"with its prefix, --key-id alias/{key_id}.")
        if key_id.startswith("alias/"):
            return (f"there is no alias '{key_id}' in {course.region} (KMS says NotFoundException); the course key's alias "
                    f"is {alias}: --key-id {alias}.")
        return f"there is no key '{key_id}' in {course.region} (KMS says NotFoundException); use --key-id {alias}."
    state = meta["KeyState"]
    if state == "PendingDeletion":
        return (f"your --key-id {key_id} names key {meta['KeyId']}, which is pending deletion, so KMS refuses to encrypt with "
                f"it (KMSInvalidStateException). Use the course key, --key-id {alias}, or cancel that key's deletion "
                "(kms.cancel_key_deletion, then kms.enable_key) if you still need it.")
    if state == "Disabled":
        return (f"your --key-id {key_id} names key {meta['KeyId']}, which is Disabled, so KMS refuses to encrypt with it "
                f"(DisabledException); enable it (kms.enable_key) or use the course key, --key-id {alias}.")
    return None


def _empty_hint(course: Course, ciphertext_path: Any, key_id: Any) -> str:
    """Why the encrypt command wrote nothing: its key id, its region, or (when neither shows) where to look."""
    command = _encrypt_command() if not is_set(key_id) else None
    key_id = key_id if is_set(key_id) else (_option(command, "key-id") if command else None)
    region = _option(command, "region") if command else None
    if region and region != course.region:
        return (f"{ciphertext_path} is empty: your encrypt command names --region {region}, but the course key is in "
                f"{course.region}, so KMS there found no {key_id}; leave --region out.")
    found = key_hint(course, str(key_id)) if key_id else None
    if found:
        return f"{ciphertext_path} is empty, because the encrypt command failed: {found}"
    return (f"{ciphertext_path} is empty; the encrypt command failed, so read its error message (a NotFoundException "
            f"naming a region other than {course.region} means your --region is wrong: leave it out).")


def check(course: Course, plaintext_path: Any = NOT_SET, ciphertext_path: Any = NOT_SET, decrypted_path: Any = NOT_SET,
          key_id: Any = NOT_SET) -> CheckResult:
    """The ciphertext file is binary KMS ciphertext under the course key, and the decrypted file equals the original.

    The lab's check cell, `lab03.check(course)`, checks the lab's files (LAB_FILES); when encryption failed, the
    key id is read from the notebook's last `aws kms encrypt` command (or given as `key_id`).
    """
    result = CheckResult("Lab 03")
    given = (plaintext_path, ciphertext_path, decrypted_path)
    plaintext_path, ciphertext_path, decrypted_path = (g if is_set(g) else d for g, d in zip(given, LAB_FILES, strict=True))
    paths = {"plaintext_path": plaintext_path, "ciphertext_path": ciphertext_path, "decrypted_path": decrypted_path}
    for label, value in paths.items():
        exists = isinstance(value, (str, Path)) and Path(value).is_file()
        step = _STEPS[label].format(path=value) if isinstance(value, (str, Path)) else "write it first, then pass its path"
        if not result.add(f"{label} is a file", exists, f"{label} is {value!r}, which is not a file; {step}."):
            return result.finish()
    original, blob, decrypted = (Path(p).read_bytes() for p in paths.values())
    kms = course.client("kms")
    answer = _decrypt(kms, blob) if blob else None
    decoded = looks_like_base64(blob)
    hint = f"{ciphertext_path} ({len(blob)} bytes) is not ciphertext KMS can decrypt in {course.region}."
    if not blob:
        hint = _empty_hint(course, ciphertext_path, key_id)
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
