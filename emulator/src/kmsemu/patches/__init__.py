"""Every change made inside moto, installed once, explicitly, when an Emulator starts.

The changes live with the service they serve (kmsemu.kms.rotation, kmsemu.s3.addressing, ...), and those that
concern moto as a whole in this package; `install` below is the one list of them. Each patch replaces one attribute of a moto module or class through `replace`, which remembers the
original, so `original()` reaches it and a second install changes nothing. The contract tests
(tests/test_moto_hooks*.py) fail when a moto upgrade moves what a patch relies on.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_lock = threading.Lock()
_installed = False
_originals: dict[tuple[int, str], Any] = {}


def replace(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Set `owner.name` to `make(original)` once; later calls for the same attribute do nothing."""
    slot = (id(owner), name)
    if slot in _originals:
        return
    original = owner.__dict__[name] if isinstance(owner, type) and name in owner.__dict__ else getattr(owner, name)
    _originals[slot] = original
    setattr(owner, name, make(original))


def original(owner: Any, name: str) -> Any:
    """The attribute `replace` replaced (the current one when it was not replaced)."""
    return _originals.get((id(owner), name), getattr(owner, name))


def patched(owner: Any, name: str) -> bool:
    """Whether `replace` has replaced `owner.name`."""
    return (id(owner), name) in _originals


def install() -> None:
    """Install every patch (idempotent): the order is the order they must see moto in."""
    global _installed
    with _lock:
        if _installed:
            return
        from kmsemu.cloudformation import change_sets, iam_roles, iam_users, kms_resources, parameters, stack_events
        from kmsemu.iam import boundaries
        from kmsemu.kms import deletion, encryption_context, key_import, key_metadata, multi_region, rotation
        from kmsemu.organizations import accounts as organization_accounts
        from kmsemu.patches import credentials, lazy_private_key, moto_session
        from kmsemu.s3 import addressing, bucket_policy
        from kmsemu.sts import session_tags

        for patch in (deletion, encryption_context, key_metadata, key_import, multi_region, lazy_private_key, moto_session,
                      credentials, rotation, kms_resources, iam_roles, iam_users, change_sets, stack_events, parameters,
                      addressing, bucket_policy, organization_accounts, session_tags, boundaries):
            patch.install()
        _installed = True
