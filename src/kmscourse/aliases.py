"""Alias names as KMS accepts them, checked before a deploy so the mistake is explained in one sentence.

Rules (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html): an alias name begins with
`alias/`, may not begin with `alias/aws/` (reserved for AWS managed keys), has 1-256 characters in all, and
after the prefix uses only letters, digits, `/`, `_` and `-`.
"""
from __future__ import annotations

import re

from .errors import CourseError

PREFIX = "alias/"
RESERVED = "alias/aws/"
MAX_LENGTH = 256
_ALLOWED = re.compile(r"^[a-zA-Z0-9/_-]+$")


def problems(name: object) -> list[str]:
    """Every reason KMS would refuse `name` as an alias name, as sentences naming the value (empty if fine)."""
    if not isinstance(name, str):
        return [f"the alias name is {name!r}, of type {type(name).__name__}; give it as a string such as 'alias/my-key'."]
    found = []
    if not name.startswith(PREFIX):
        suggestion = "alias/" + name.split("/", 1)[-1] if name.lower().startswith("alias") else "alias/" + name
        found.append(f"'{name}' does not start with 'alias/'; every alias name does, for example '{suggestion}'.")
    elif name.startswith(RESERVED):
        found.append(f"'{name}' starts with 'alias/aws/', which AWS reserves for AWS managed keys; choose another name.")
    rest = name[len(PREFIX):] if name.startswith(PREFIX) else name
    if name.startswith(PREFIX) and not rest:
        found.append("'alias/' alone is not a name; add a name after the prefix, such as 'alias/my-key'.")
    bad = sorted({c for c in rest if not _ALLOWED.match(c)})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        found.append(f"'{name}' contains {shown}; after 'alias/' use only letters, digits, '/', '_' and '-'.")
    if len(name) > MAX_LENGTH:
        found.append(f"'{name[:40]}...' has {len(name)} characters; an alias name has at most {MAX_LENGTH}.")
    return found


def validate(name: object) -> str:
    """Return `name` if KMS accepts it as an alias name; otherwise raise CourseError saying what to change."""
    found = problems(name)
    if found:
        raise CourseError("Alias name refused: " + " ".join(found))
    return str(name)
