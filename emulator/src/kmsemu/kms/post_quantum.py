"""ML-KEM keys: Encapsulate and Decapsulate, with FIPS 203's implicit rejection of altered ciphertexts.

ML-DSA signing is in signing.py; both need a cryptography built with the parameter set (key_pairs.supported).
https://docs.aws.amazon.com/kms/latest/APIReference/API_Decapsulate.html
"""
from __future__ import annotations

import base64
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.kms import key_pairs, key_specs

CIPHERTEXT_BYTES = {"ML_KEM_512": 768, "ML_KEM_768": 1088, "ML_KEM_1024": 1568}
"""The length of an ML-KEM ciphertext for each parameter set (FIPS 203, table 3)."""


def encapsulate(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Encapsulate: a new 32-byte shared secret and its ciphertext under the key's public key."""
    algorithm = key_specs.check_algorithm(key, params.get("EncapsulationAlgorithm"))
    secret, ciphertext = key_pairs.private_key(key).public_key().encapsulate()
    return {"KeyId": key.arn, "SharedSecret": base64.b64encode(secret).decode(),
            "SharedSecretCiphertextBlob": base64.b64encode(ciphertext).decode(), "EncapsulationAlgorithm": algorithm}


def decapsulate(backend: Any, key: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Decapsulate: the shared secret; for a ciphertext of the right length that was altered, a pseudo-random one."""
    algorithm = key_specs.check_algorithm(key, params.get("EncapsulationAlgorithm"))
    ciphertext = base64.b64decode(params.get("SharedSecretCiphertextBlob", ""))
    if len(ciphertext) != CIPHERTEXT_BYTES[key.key_spec]:
        raise AwsError("InvalidCiphertextException", "")
    secret = key_pairs.private_key(key).decapsulate(ciphertext)
    return {"KeyId": key.arn, "SharedSecret": base64.b64encode(secret).decode(), "EncapsulationAlgorithm": algorithm}
