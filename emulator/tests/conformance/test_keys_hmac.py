"""HMAC KMS keys: GenerateMac and VerifyMac, MAC lengths, and the errors for wrong MACs and algorithms."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from key_types import Keys
from resources import error_code

SPECS = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
MESSAGE = b'{"event": "invoice.paid", "id": 42}'


@pytest.fixture(scope="module")
def keys(course: Any) -> Iterator[Keys]:
    """One HMAC key per key spec for this module."""
    found = Keys(course)
    yield found
    found.close()


@pytest.mark.behaviour("GenerateMac with a {spec} key gives a MAC of the algorithm's length that VerifyMac accepts")
@pytest.mark.parametrize("spec", list(SPECS))
def test_mac_round_trip(kms: Any, keys: Keys, spec: str) -> None:
    """An HMAC key of spec HMAC_n supports only HMAC_SHA_n (DescribeKey's MacAlgorithms); GenerateMac returns a MAC
    of n/8 bytes, the same for the same message each time, and VerifyMac reports MacValid true for it.

    https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
    """
    meta = keys.get(spec, "GENERATE_VERIFY_MAC")
    algorithm = "HMAC_SHA_" + spec.split("_")[1]
    assert meta["MacAlgorithms"] == [algorithm] and "EncryptionAlgorithms" not in meta
    first = kms.generate_mac(KeyId=meta["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm)
    again = kms.generate_mac(KeyId=meta["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm)
    assert (first["KeyId"], first["MacAlgorithm"], len(first["Mac"])) == (meta["Arn"], algorithm, SPECS[spec])
    assert first["Mac"] == again["Mac"]
    verified = kms.verify_mac(KeyId=meta["KeyId"], Message=MESSAGE, MacAlgorithm=algorithm, Mac=first["Mac"])
    assert (verified["MacValid"], verified["KeyId"], verified["MacAlgorithm"]) == (True, meta["Arn"], algorithm)


@pytest.mark.behaviour("VerifyMac of a changed message or MAC gives KMSInvalidMacException")
def test_wrong_mac(kms: Any, keys: Keys) -> None:
    """When the MAC does not match the message, VerifyMac fails with KMSInvalidMacException (not MacValid false).

    https://docs.aws.amazon.com/kms/latest/APIReference/API_VerifyMac.html
    """
    key_id = keys.get("HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    mac = kms.generate_mac(KeyId=key_id, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert error_code(kms.verify_mac, KeyId=key_id, Message=MESSAGE + b" ", MacAlgorithm="HMAC_SHA_256",
                      Mac=mac) == "KMSInvalidMacException"
    altered = bytes([mac[0] ^ 1]) + mac[1:]
    assert error_code(kms.verify_mac, KeyId=key_id, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256",
                      Mac=altered) == "KMSInvalidMacException"


@pytest.mark.behaviour("Two HMAC keys of the same spec give different MACs for the same message")
def test_keys_differ(kms: Any, keys: Keys, made: Any) -> None:
    """Each HMAC KMS key has its own secret key material, so its MACs verify only with that key.

    https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html
    """
    first = keys.get("HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    second = made.key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyId"]
    mac = kms.generate_mac(KeyId=first, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert kms.generate_mac(KeyId=second, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256")["Mac"] != mac
    assert error_code(kms.verify_mac, KeyId=second, Message=MESSAGE, MacAlgorithm="HMAC_SHA_256",
                      Mac=mac) == "KMSInvalidMacException"


@pytest.mark.behaviour("A MAC algorithm the HMAC key spec does not support gives InvalidKeyUsageException")
def test_algorithm_must_match_spec(kms: Any, keys: Keys) -> None:
    """The MAC algorithm must be the one the HMAC key's spec supports: HMAC_SHA_512 with an HMAC_256 key is refused.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateMac.html
    """
    key_id = keys.get("HMAC_256", "GENERATE_VERIFY_MAC")["KeyId"]
    assert error_code(kms.generate_mac, KeyId=key_id, Message=MESSAGE,
                      MacAlgorithm="HMAC_SHA_512") == "InvalidKeyUsageException"


@pytest.mark.behaviour("CreateKey of an HMAC key needs KeyUsage GENERATE_VERIFY_MAC")
@pytest.mark.parametrize("usage", [None, "ENCRYPT_DECRYPT", "SIGN_VERIFY"])
def test_hmac_key_usage_required(kms: Any, usage: str | None) -> None:
    """HMAC key specs are valid only with KeyUsage GENERATE_VERIFY_MAC, which must be given (the default,
    ENCRYPT_DECRYPT, is only for symmetric encryption and RSA keys): ValidationException otherwise.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html
    """
    extra = {"KeyUsage": usage} if usage else {}
    assert error_code(kms.create_key, KeySpec="HMAC_256", **extra) == "ValidationException"
