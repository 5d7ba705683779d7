"""Key identifiers: key id, key ARN, alias name and alias ARN, wherever AWS accepts them."""
from __future__ import annotations

from typing import Any

import pytest
from resources import Resources, error_code

FORMS = ["key id", "key ARN", "alias name", "alias ARN"]


def _identifier(form: str, meta: dict[str, Any], alias: str) -> str:
    alias_arn = meta["Arn"].split(":key/")[0] + ":" + alias
    return {"key id": meta["KeyId"], "key ARN": meta["Arn"], "alias name": alias, "alias ARN": alias_arn}[form]


@pytest.mark.behaviour("Encrypt, Decrypt and DescribeKey accept a {form}")
@pytest.mark.parametrize("form", FORMS)
def test_cryptographic_operations_accept(kms: Any, made: Resources, form: str) -> None:
    """Encrypt, Decrypt (KeyId) and DescribeKey take a key id, key ARN, alias name or alias ARN.

    https://docs.aws.amazon.com/kms/latest/developerguide/find-cmk-id-arn.html
    """
    meta = made.key()
    identifier = _identifier(form, meta, made.alias(meta["KeyId"]))
    blob = kms.encrypt(KeyId=identifier, Plaintext=b"id")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=identifier)["KeyId"] == meta["Arn"]
    assert kms.describe_key(KeyId=identifier)["KeyMetadata"]["Arn"] == meta["Arn"]


@pytest.mark.behaviour("Key state operations accept a {form}")
@pytest.mark.parametrize("form", ["key id", "key ARN"])
def test_key_state_operations_accept(kms: Any, made: Resources, form: str) -> None:
    """DisableKey, EnableKey, ScheduleKeyDeletion and CancelKeyDeletion take a key id or key ARN.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html
    """
    meta = made.key()
    identifier = _identifier(form, meta, "")
    kms.disable_key(KeyId=identifier)
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=identifier)
    assert kms.schedule_key_deletion(KeyId=identifier, PendingWindowInDays=7)["KeyId"] == meta["Arn"]
    assert kms.cancel_key_deletion(KeyId=identifier)["KeyId"] == meta["Arn"]
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"


@pytest.mark.behaviour("Rotation and tagging operations accept a {form}")
@pytest.mark.parametrize("form", ["key id", "key ARN"])
def test_other_key_operations_accept(kms: Any, made: Resources, form: str) -> None:
    """EnableKeyRotation, GetKeyRotationStatus, TagResource and ListResourceTags take a key id or key ARN.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html
    """
    meta = made.key()
    identifier = _identifier(form, meta, "")
    kms.enable_key_rotation(KeyId=identifier)
    assert kms.get_key_rotation_status(KeyId=identifier)["KeyRotationEnabled"] is True
    kms.tag_resource(KeyId=identifier, Tags=[{"TagKey": "kmsemu:test", "TagValue": "yes"}])
    tags = kms.list_resource_tags(KeyId=identifier)["Tags"]
    assert {"TagKey": "kmsemu:test", "TagValue": "yes"} in tags


@pytest.mark.behaviour("A key that does not exist gives NotFoundException")
def test_unknown_key(kms: Any, course: Any) -> None:
    """An id, ARN or alias naming no key gives NotFoundException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html
    """
    missing = "1234abcd-12ab-34cd-56ef-1234567890ab"
    arn = f"arn:aws:kms:{course.region}:{course.account_id}:key/{missing}"
    assert error_code(kms.describe_key, KeyId=missing) == "NotFoundException"
    assert error_code(kms.disable_key, KeyId=arn) == "NotFoundException"
    assert error_code(kms.encrypt, KeyId="alias/" + course.name("no-such-alias"), Plaintext=b"x") == "NotFoundException"


@pytest.mark.behaviour("CreateAlias refuses names under alias/aws/")
def test_reserved_alias_prefix(kms: Any, made: Resources) -> None:
    """Alias names beginning with alias/aws/ are reserved for AWS managed keys: NotAuthorizedException.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
    """
    key_id = made.key()["KeyId"]
    assert error_code(kms.create_alias, AliasName="alias/aws/" + made.unique("mine"), TargetKeyId=key_id) == "NotAuthorizedException"
