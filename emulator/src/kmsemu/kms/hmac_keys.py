"""HMAC KMS keys: GenerateMac and VerifyMac with the algorithm the key spec names, and AWS's MAC errors.

https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.kms import key_specs

_DIGESTS = {"HMAC_SHA_224": hashlib.sha224, "HMAC_SHA_256": hashlib.sha256, "HMAC_SHA_384": hashlib.sha384,
            "HMAC_SHA_512": hashlib.sha512}
MATERIAL_BYTES = {"HMAC_224": (28, 64), "HMAC_256": (32, 64), "HMAC_384": (48, 128), "HMAC_512": (64, 128)}
"""The key material lengths (bytes) AWS accepts for each HMAC key spec, least and most."""

_ATTRIBUTE = "_kmsemu_hmac_ready"


def material(key: Any) -> bytes:
    """The key's HMAC key material: moto's 32 random bytes are replaced once by material of the spec's length."""
    if not getattr(key, _ATTRIBUTE, False):
        if key.origin != "EXTERNAL":
            key.key_material = os.urandom(MATERIAL_BYTES[key.key_spec][0])
        setattr(key, _ATTRIBUTE, True)
    return bytes(key.key_material)


def mark_imported(key: Any, value: bytes) -> None:
    """Use imported bytes as the key's HMAC key material."""
    key.key_material = value
    setattr(key, _ATTRIBUTE, True)


def _mac(key: Any, params: dict[str, Any]) -> tuple[str, bytes]:
    algorithm = key_specs.check_algorithm(key, params.get("MacAlgorithm"))
    message = base64.b64decode(params.get("Message", ""))
    return algorithm, hmac.new(material(key), message, _DIGESTS[algorithm]).digest()


def generate_mac(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """GenerateMac: the HMAC of the message under the key."""
    algorithm, mac = _mac(key, params)
    return {"Mac": base64.b64encode(mac).decode(), "MacAlgorithm": algorithm, "KeyId": key.arn}


def verify_mac(key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """VerifyMac: MacValid true, or KMSInvalidMacException."""
    algorithm, mac = _mac(key, params)
    if not hmac.compare_digest(mac, base64.b64decode(params.get("Mac", ""))):
        raise AwsError("KMSInvalidMacException", "")
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": algorithm}
