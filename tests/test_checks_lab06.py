"""Lab 06's check: it runs your three steps on its own file; each common mistake gets its own hint."""
from __future__ import annotations

from pathlib import Path

import pytest
from s3_encryption import S3EncryptionClient, S3EncryptionClientConfig
from s3_encryption.materials.kms_keyring import KmsKeyring

from kmscourse import buckets, envelope
from kmscourse import s3_encryption_client as s3ec
from kmscourse.checks import lab06

CONTEXT = {"course": "kmscourse", "lab": "10.2.1"}




@pytest.fixture(scope="module")
def bucket(course, key):
    yield buckets.ensure_bucket(course, "t06")
    buckets.delete_bucket(course, "t06")


def _encryption_client(course, key_id, wrapped=None):
    keyring = KmsKeyring(kms_client=course.client("kms"), kms_key_id=key_id)
    return S3EncryptionClient(wrapped or s3ec.new_s3_client(course), S3EncryptionClientConfig(keyring=keyring))


def _steps(course, bucket, key_id="alias/kmscourse-learner-key", write_context=CONTEXT, read_context=CONTEXT,
           upload_plain=False, raw_through_wrapped=False, download_plain=False):
    wrapped = s3ec.new_s3_client(course)
    client = _encryption_client(course, key_id, wrapped)
    plain = course.client("s3")

    def encrypt_and_upload(path, object_key):
        body = Path(path).read_bytes()
        if upload_plain:
            plain.put_object(Bucket=bucket, Key=object_key, Body=body)
        else:
            client.put_object(Bucket=bucket, Key=object_key, Body=body, **({"EncryptionContext": write_context} if write_context else {}))

    def read_stored(object_key):
        return (wrapped if raw_through_wrapped else plain).get_object(Bucket=bucket, Key=object_key)["Body"].read()

    def download_and_decrypt(object_key, path):
        if download_plain:
            body = plain.get_object(Bucket=bucket, Key=object_key)["Body"].read()
        else:
            extra = {"EncryptionContext": read_context} if read_context else {}
            body = client.get_object(Bucket=bucket, Key=object_key, **extra)["Body"].read()
        Path(path).write_bytes(body)

    return encrypt_and_upload, read_stored, download_and_decrypt


def test_right_answer_passes_and_cleans_up(course, bucket) -> None:
    result = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket))
    assert result.passed, str(result)
    assert len(result.items) == 8
    assert "Contents" not in course.client("s3").list_objects_v2(Bucket=bucket)


def test_plain_client_used_for_upload(course, bucket) -> None:
    assert lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, upload_plain=True)).hints() == [
        "the object has no encryption metadata (x-amz-3), so a plain S3 client uploaded it; call put_object on the "
        "S3EncryptionClient, not on the boto3 client."
    ]


def test_wrong_key_alias(course, bucket, key) -> None:
    other = envelope.ensure_other_key(course)
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, key_id=other)).hints()
    assert hints == [
        f"the object's data key was made under {other} (alias/{course.name('other')}); build the KmsKeyring with "
        f"kms_key_id='{key.alias}'."
    ]


def test_missing_context_on_write(course, bucket) -> None:
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, write_context=None, read_context=None)).hints()
    assert hints == [
        "the stored encryption context is {'aws:x-amz-cek-alg': '115'}, without {'course': 'kmscourse', 'lab': "
        "'10.2.1'}; pass EncryptionContext=context to put_object."
    ]


def test_missing_context_on_read(course, bucket) -> None:
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, read_context=None)).hints()
    assert hints == [
        "download_and_decrypt(object_key, path) raised S3EncryptionClientError: Provided encryption context does not "
        "match information retrieved from S3; the object was encrypted with a context: pass the same "
        "EncryptionContext=context to get_object."
    ]


def test_raw_read_through_the_wrapped_client(course, bucket) -> None:
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, raw_through_wrapped=True)).hints()
    assert len(hints) == 1
    assert hints[0].startswith("read_stored(object_key) raised S3EncryptionClientError")
    assert hints[0].endswith("read raw objects with a separate plain client, course.client('s3').")


def test_saving_the_ciphertext(course, bucket) -> None:
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket, download_plain=True)).hints()
    assert hints == ["you saved the ciphertext: get the object through the S3EncryptionClient, which decrypts it."]


def test_wrapping_the_course_client(course, bucket, key, monkeypatch) -> None:
    wrapped = s3ec.new_s3_client(course)
    _encryption_client(course, key.alias, wrapped)
    monkeypatch.setitem(course._clients, "s3", wrapped)
    hints = lab06.check(course, bucket, CONTEXT, *_steps(course, bucket)).hints()
    assert hints[0].startswith("you gave course.client('s3') to S3EncryptionClient, which attached itself to it")


def test_metadata_helpers_read_what_the_client_wrote(course, bucket, key) -> None:
    _encryption_client(course, key.alias).put_object(Bucket=bucket, Key="m.txt", Body=b"m", EncryptionContext=CONTEXT)
    metadata = course.client("s3").head_object(Bucket=bucket, Key="m.txt")["Metadata"]
    assert s3ec.key_of_object(course.client("kms"), metadata) == key.key_arn
    assert s3ec.stored_context(metadata) == {**CONTEXT, "aws:x-amz-cek-alg": "115"}
    rows = dict((name, value) for name, _, value in s3ec.metadata_rows(metadata))
    assert rows["x-amz-c"] == "115" and rows["x-amz-w"] == "12"
    assert rows["x-amz-3"].endswith("characters of base64)")
    course.client("s3").delete_object(Bucket=bucket, Key="m.txt")


def test_nothing_defined_yet_names_the_exercises(course, bucket) -> None:
    """The lab's check cell, `lab06.check(course)`, before the exercises: no NameError, and the steps to do."""
    assert lab06.check(course).hints() == [
        "encrypt_and_upload is not defined yet: do Exercise 1 first (its cell defines encrypt_and_upload).",
        "read_stored is not defined yet: do Exercise 2 first (its cell defines read_stored).",
        "download_and_decrypt is not defined yet: do Exercise 3 first (its cell defines download_and_decrypt).",
        "bucket is not defined yet: run the setup cell first (its cell defines bucket).",
    ]
