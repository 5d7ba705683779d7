"""Helpers for the test_keys_* conformance tests: one key per (KeySpec, KeyUsage) per test module, and public keys.

Asymmetric keys are slow to make (RSA above all), so a module asks `Keys` for a key of a kind and gets the same
one each time; `close` schedules them all for deletion at the end of the module.
"""
from __future__ import annotations

from typing import Any

from backend import Backend
from cryptography.hazmat.primitives import hashes, serialization
from resources import Resources

HASHES = {"SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}


class Keys:
    """KMS keys of the suite made once per kind, for the tests of one module."""

    def __init__(self, course: Backend) -> None:
        self.made = Resources(course)
        self.kms = course.client("kms")
        self._found: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, spec: str, usage: str) -> dict[str, Any]:
        """The KeyMetadata of this module's key of this KeySpec and KeyUsage (created on first request)."""
        if (spec, usage) not in self._found:
            self._found[(spec, usage)] = self.made.key(KeySpec=spec, KeyUsage=usage)
        return self._found[(spec, usage)]

    def public_key(self, key_id: str) -> Any:
        """The key's public key from GetPublicKey, loaded with cryptography."""
        return serialization.load_der_public_key(self.kms.get_public_key(KeyId=key_id)["PublicKey"])

    def close(self) -> None:
        """Schedule every key of the module for deletion."""
        self.made.close()


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    """The hash a KMS algorithm name ends with (RSASSA_PSS_SHA_384 -> SHA-384, RSAES_OAEP_SHA_1 -> SHA-1)."""
    return HASHES[algorithm[algorithm.index("SHA_"):]]()
