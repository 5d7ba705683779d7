"""What KMS answers about a key and its ciphertext: algorithms in the responses, MultiRegion, reserved tag keys."""
from __future__ import annotations

from typing import Any

import pytest
from resources import Resources, error_code


@pytest.mark.behaviour("Encrypt, Decrypt and ReEncrypt with symmetric keys name SYMMETRIC_DEFAULT in their answers")
def test_symmetric_answers_name_the_algorithm(kms: Any, made: Resources) -> None:
    """The responses carry the algorithm used: Encrypt and Decrypt EncryptionAlgorithm, ReEncrypt
    SourceEncryptionAlgorithm and DestinationEncryptionAlgorithm, SYMMETRIC_DEFAULT for symmetric encryption keys.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html
    """
    first, second = made.key(), made.key()
    encrypted = kms.encrypt(KeyId=first["KeyId"], Plaintext=b"algorithm")
    assert encrypted["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert kms.decrypt(CiphertextBlob=encrypted["CiphertextBlob"])["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    moved = kms.re_encrypt(CiphertextBlob=encrypted["CiphertextBlob"], DestinationKeyId=second["KeyId"])
    assert (moved["SourceEncryptionAlgorithm"], moved["DestinationEncryptionAlgorithm"]) == ("SYMMETRIC_DEFAULT",) * 2
    assert (moved["SourceKeyId"], moved["KeyId"]) == (first["Arn"], second["Arn"])


@pytest.mark.behaviour("DescribeKey says MultiRegion false for a single-Region key")
def test_describe_key_multi_region_false(kms: Any, made: Resources) -> None:
    """KeyMetadata's MultiRegion is false for a key created without MultiRegion, and it has no
    MultiRegionConfiguration.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
    """
    meta = kms.describe_key(KeyId=made.key()["KeyId"])["KeyMetadata"]
    assert meta["MultiRegion"] is False and "MultiRegionConfiguration" not in meta


@pytest.mark.behaviour("Tag keys beginning with aws: are refused with TagException, by TagResource and CreateKey")
def test_reserved_tag_prefix(course: Any, kms: Any, made: Resources) -> None:
    """The aws: prefix is reserved for the tags AWS adds: a tag key that begins with it is not valid, and KMS rejects
    it with TagException ("one or more tags are not valid"), whether given to TagResource or to CreateKey's Tags.

    https://docs.aws.amazon.com/kms/latest/APIReference/API_TagResource.html
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-kms-key-tag.html
    """
    key = made.key()
    reserved = [{"TagKey": "aws:owner", "TagValue": "me"}]
    assert error_code(kms.tag_resource, KeyId=key["KeyId"], Tags=reserved) == "TagException"
    assert {"TagKey": "aws:owner", "TagValue": "me"} not in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
    tags = course.tags("TagKey", "TagValue") + reserved
    assert error_code(kms.create_key, Description=made.unique("reserved-tag"), Tags=tags) == "TagException"
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "owner-aws:", "TagValue": "me"}])  # only a prefix is reserved
