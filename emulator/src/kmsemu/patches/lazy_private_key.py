"""Make moto's per-key private key only when something uses it.

moto generates an RSA-2048 private key for every KMS key, symmetric ones included (about 0.1 s of CPU each),
and uses it only for Sign, Verify and GetPublicKey. Deferring it keeps CreateKey fast for learners and tests.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_original: Callable[[str], Any] | None = None


class LazyPrivateKey:
    """Stands in for moto's private key object, generating the real one on first attribute access."""

    def __init__(self, key_spec: str) -> None:
        self._key_spec = key_spec
        self._real: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._real is None:
                assert _original is not None
                self._real = _original(self._key_spec)
            return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


def _deferred(key_spec: str) -> LazyPrivateKey:
    return LazyPrivateKey(key_spec)


def install() -> None:
    """Route moto.kms.models' generate_private_key (imported there by name) through the lazy stand-in."""
    global _original
    import moto.kms.models as models

    if _original is None:
        _original = models.generate_private_key
    models.generate_private_key = _deferred  # type: ignore[assignment]
