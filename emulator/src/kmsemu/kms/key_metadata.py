"""KeyMetadata as AWS gives it for every key type: the algorithm lists by key spec and usage, and every key spec.

moto lists RSA encryption algorithms for HMAC and key-agreement keys, and refuses the key specs it does not know
(Ed25519, ML-DSA, ML-KEM); the layer validates KeySpec against botocore's model before moto sees it.
https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kmsemu.kms import key_specs
from kmsemu.patches import replace

_ALGORITHM_MEMBERS = ("EncryptionAlgorithms", "SigningAlgorithms", "MacAlgorithms", "KeyAgreementAlgorithms",
                      "EncapsulationAlgorithms")

extra_metadata: list[Callable[[Any, dict[str, Any]], None]] = []
"""Functions that add to a key's KeyMetadata (imported key material adds ExpirationModel and ValidTo)."""


def metadata(key: Any, found: dict[str, Any]) -> dict[str, Any]:
    """moto's KeyMetadata corrected: the algorithm members AWS shows, MultiRegion always, nothing null."""
    for name in _ALGORITHM_MEMBERS:
        found.pop(name, None)
    found.update(key_specs.algorithms(key.key_spec, key.key_usage or "ENCRYPT_DECRYPT"))
    found["MultiRegion"] = bool(key.multi_region)  # moto keeps None when CreateKey did not say
    for add in extra_metadata:
        add(key, found)
    return {name: value for name, value in found.items() if value is not None}


def _to_dict(original: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
    def to_dict(self: Any) -> dict[str, Any]:
        found = original(self)
        found["KeyMetadata"] = metadata(self, found["KeyMetadata"])
        return found

    return to_dict


def _any_spec(original: Callable[..., None]) -> Callable[..., None]:
    def ensure_valid_key_spec(self: Any, key_spec: str) -> None:
        """The layer has checked KeySpec against botocore's enum (moto's own list lacks the newer specs)."""

    return ensure_valid_key_spec


def install() -> None:
    """Correct moto.kms.models.Key.to_dict, and let KmsBackend.create_key take every key spec botocore lists."""
    from moto.kms.models import Key, KmsBackend

    replace(Key, "to_dict", _to_dict)
    replace(KmsBackend, "_KmsBackend__ensure_valid_key_spec", _any_spec)
