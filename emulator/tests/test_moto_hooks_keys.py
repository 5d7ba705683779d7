"""Every moto internal the key-type modules rely on (asymmetric, HMAC, imported material), checked so a moto
upgrade fails here loudly. Each test names the kmsemu module that relies on the internal.
"""
from __future__ import annotations

import inspect

import pytest

from kmsemu import patches as hooks

ACCOUNT = "000000000043"  # an account no other test uses, so the checks cannot disturb them
REGION = "eu-west-2"


@pytest.fixture(scope="module", autouse=True)
def installed() -> None:
    hooks.install()


@pytest.fixture
def backend():
    """A fresh moto KMS backend for the checks."""
    from moto.kms.models import kms_backends

    b = kms_backends[ACCOUNT][REGION]
    b.reset()
    return b


def test_create_key_checks_spec_through_one_method(backend) -> None:
    """key_metadata.install: KmsBackend.create_key validates KeySpec only in the name-mangled __ensure_valid_key_spec."""
    import moto.kms.models as models

    from kmsemu.kms import key_metadata

    assert "self.__ensure_valid_key_spec(key_spec)" in inspect.getsource(hooks.original(models.KmsBackend, "create_key"))
    assert models.KmsBackend._KmsBackend__ensure_valid_key_spec.__module__ == key_metadata.__name__
    key = backend.create_key(None, "SIGN_VERIFY", "ML_DSA_65", "d", None)
    assert (key.key_spec, key.key_usage, key.origin) == ("ML_DSA_65", "SIGN_VERIFY", "AWS_KMS")


def test_to_dict_is_key_metadata(backend) -> None:
    """key_metadata._to_dict: Key.to_dict() returns {"KeyMetadata": {...}} with moto's algorithm members to replace."""
    import moto.kms.models as models

    original = hooks.original(models.Key, "to_dict")
    key = backend.create_key(None, "GENERATE_VERIFY_MAC", "HMAC_256", "d", None)
    raw = original(key)["KeyMetadata"]
    assert {"EncryptionAlgorithms", "SigningAlgorithms", "KeySpec", "KeyUsage", "KeyState", "Origin"} <= set(raw)
    fixed = key.to_dict()["KeyMetadata"]
    assert fixed["MacAlgorithms"] == ["HMAC_SHA_256"] and "EncryptionAlgorithms" not in fixed


def test_key_attributes_the_layer_reads(backend) -> None:
    """key_pairs, hmac_keys, rsa_encryption: Key has key_spec, key_usage, origin, arn, key_material (bytes, settable)."""
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "RSA_2048", "d", None, origin="EXTERNAL")
    assert (key.key_spec, key.key_usage, key.origin) == ("RSA_2048", "ENCRYPT_DECRYPT", "EXTERNAL")
    assert key.arn.endswith(key.id) and isinstance(key.key_material, bytes)
    key.key_material = b"\x01" * 32
    assert key.key_material == b"\x01" * 32


def test_backend_encrypt_decrypt_signatures(backend) -> None:
    """rsa_encryption.re_encrypt: backend.encrypt(key_id, plaintext, context) -> (blob, arn); decrypt(blob, context)."""
    from moto.core.exceptions import JsonRESTError
    from moto.kms.exceptions import InvalidCiphertextException

    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    blob, arn = backend.encrypt(key.id, b"p", {"a": "b"})
    assert arn == key.arn and backend.decrypt(blob, {"a": "b"}) == (b"p", key.arn)
    with pytest.raises(InvalidCiphertextException) as info:
        backend.decrypt(blob, {})
    assert isinstance(info.value, JsonRESTError) and info.value.error_type == "InvalidCiphertextException"
    assert isinstance(info.value.message, str)


def test_create_key_returns_the_key(backend) -> None:
    """key_import.install: KmsBackend.create_key(policy, usage, spec, description, tags, multi_region, origin) returns
    the Key it stored, whose key_state and enabled the hook sets for EXTERNAL keys."""
    import moto.kms.models as models

    from kmsemu.kms import key_import

    assert models.KmsBackend.create_key.__module__ == key_import.__name__
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None, False, "EXTERNAL")
    assert backend.keys[key.id] is key and (key.key_state, key.enabled) == ("PendingImport", False)
    assert key.to_dict()["KeyMetadata"]["KeyState"] == "PendingImport"


def test_key_ids_come_from_models_generate_key_id(backend) -> None:
    """multi_region.install: Key.__init__ calls moto.kms.models.generate_key_id(multi_region) by name; the hook makes
    AWS's mrk- and 32 hex digits, and KmsResponse._validate_cmk_id (moto's pattern wants a dashed UUID) accepts it."""
    import moto.kms.models as models
    from moto.kms.responses import KmsResponse

    from kmsemu.kms import multi_region

    assert "generate_key_id(multi_region)" in inspect.getsource(models.Key.__init__)
    assert "re.match(" in inspect.getsource(hooks.original(KmsResponse, "_validate_cmk_id"))
    assert KmsResponse._validate_cmk_id.__module__ == multi_region.__name__
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None, True)
    assert key.id.startswith("mrk-") and len(key.id) == 36 and key.multi_region is True
    plain = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None)
    assert len(plain.id) == 36 and plain.id.count("-") == 4


def test_replica_building_blocks(backend) -> None:
    """multi_region.replicate_key: kms_backends[account].regions lists Regions; tagger.tag_resource(id, tags);
    Key.generate_default_policy(); Key.rotations is a list the replica can share."""
    from moto.kms.models import kms_backends

    assert REGION in kms_backends[ACCOUNT].regions and "us-east-1" in kms_backends[ACCOUNT].regions
    key = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", None, True)
    backend.tagger.tag_resource(key.id, [{"TagKey": "k", "TagValue": "v"}])
    assert backend.tagger.get_tag_dict_for_resource(key.id) == {"k": "v"}
    assert '"Version": "2012-10-17"' in key.generate_default_policy() and isinstance(key.rotations, list)
