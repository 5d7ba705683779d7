"""Lab 03's check: a real CLI round trip passes, and each common mistake gets its own hint."""
from __future__ import annotations

import base64
import os
import subprocess

import pytest

from kmscourse import prereqs
from kmscourse.checks import lab03
from kmscourse.checks.elsewhere import client

SECRET = b"the colleague's lunch order: falafel\n"



@pytest.fixture
def files(course, tmp_path):
    key = prereqs.ensure_course_key(course)
    plain = tmp_path / "secret.txt"
    plain.write_bytes(SECRET)
    return key, plain, tmp_path / "secret.enc", tmp_path / "secret.out"


def aws(course, command: str) -> subprocess.CompletedProcess:
    """The real AWS CLI against the course backend (start() put its settings in os.environ)."""
    return subprocess.run(command, shell=True, capture_output=True, env=dict(os.environ), timeout=120)


def test_cli_round_trip_passes(course, files) -> None:
    key, plain, enc, out = files
    aws(course, f"aws kms encrypt --key-id {key.alias} --plaintext fileb://{plain} --output text --query CiphertextBlob | base64 --decode > {enc}")
    aws(course, f"aws kms decrypt --ciphertext-blob fileb://{enc} --output text --query Plaintext | base64 --decode > {out}")
    result = lab03.check(course, plain, enc, out)
    assert result.passed, str(result)


def test_base64_passed_as_binary(course, files) -> None:
    """The seed's pipeline: base64 text written to the .enc file, then fed to fileb://."""
    key, plain, enc, out = files
    aws(course, f"aws kms encrypt --key-id {key.alias} --plaintext fileb://{plain} --output text --query CiphertextBlob > {enc}")
    run = aws(course, f"aws kms decrypt --ciphertext-blob fileb://{enc} --output text --query Plaintext | base64 --decode > {out}")
    assert b"InvalidCiphertextException" in run.stderr
    result = lab03.check(course, plain, enc, out)
    assert [i.name for i in result.failures] == ["the ciphertext file is binary KMS ciphertext"]
    assert result.hints()[0].startswith(f"{enc} is base64 text (it starts with ")
    assert "Pipe it through `base64 --decode` before writing the .enc file" in result.hints()[0]


def test_decrypted_file_left_in_base64(course, files) -> None:
    key, plain, enc, out = files
    blob = course.client("kms").encrypt(KeyId=key.alias, Plaintext=SECRET)["CiphertextBlob"]
    enc.write_bytes(blob)
    out.write_bytes(base64.b64encode(SECRET))
    result = lab03.check(course, plain, enc, out)
    assert [i.name for i in result.failures] == ["the decrypted file equals the original"]
    assert "is still base64 text" in result.hints()[0] and "pipe it through `base64 --decode`" in result.hints()[0]


def test_wrong_region(course, files) -> None:
    _, plain, enc, out = files
    kms = client(course, "kms", "us-east-1")
    far = kms.create_key(Description="lab03 test key far away", Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
    enc.write_bytes(kms.encrypt(KeyId=far, Plaintext=SECRET)["CiphertextBlob"])
    out.write_bytes(SECRET)
    result = lab03.check(course, plain, enc, out)
    assert result.hints() == [
        f"{enc} was encrypted under a key in us-east-1, but the course key is in {course.region}; "
        f"encrypt with --region {course.region} (or leave --region out)."
    ]


def test_another_key(course, files) -> None:
    key, plain, enc, out = files
    kms = course.client("kms")
    other = kms.create_key(Description="lab03 other key", Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["Arn"]
    enc.write_bytes(kms.encrypt(KeyId=other, Plaintext=SECRET)["CiphertextBlob"])
    out.write_bytes(SECRET)
    result = lab03.check(course, plain, enc, out)
    assert result.hints() == [f"it was encrypted under {other}, but the course key is {key.key_arn}; use --key-id {key.alias}."]


def test_encrypt_in_the_wrong_region(course, files) -> None:
    """`--region us-east-1` on encrypt: the alias is not found there, and the shell leaves an empty .enc file."""
    key, plain, enc, out = files
    run = aws(course, f"aws kms encrypt --region us-east-1 --key-id {key.alias} --plaintext fileb://{plain} --output text --query CiphertextBlob | base64 --decode > {enc}")
    assert b"NotFoundException" in run.stderr and b"us-east-1" in run.stderr
    out.write_bytes(b"")
    assert lab03.check(course, plain, enc, out).hints() == [
        f"{enc} is empty; the encrypt command failed, so read its error message (a NotFoundException naming a region "
        f"other than {course.region} means your --region is wrong: leave it out)."
    ]


def test_decrypt_in_the_wrong_region(course, files) -> None:
    key, plain, enc, out = files
    aws(course, f"aws kms encrypt --key-id {key.alias} --plaintext fileb://{plain} --output text --query CiphertextBlob | base64 --decode > {enc}")
    run = aws(course, f"aws kms decrypt --region eu-west-1 --ciphertext-blob fileb://{enc} --output text --query Plaintext | base64 --decode > {out}")
    assert run.stderr
    result = lab03.check(course, plain, enc, out)
    assert [i.name for i in result.failures] == ["the decrypted file equals the original"]
    assert result.hints()[0].endswith(f"(an error from a region other than {course.region} means your --region is wrong: leave it out).")


def test_missing_file(course, files) -> None:
    _, plain, enc, out = files
    assert lab03.check(course, plain, enc, out).hints() == [f"ciphertext_path is {enc!r}, which is not a file; do Exercise 1 first (it writes {enc})."]


def _encrypt_under(course, files, key_id: str) -> subprocess.CompletedProcess:
    _, plain, enc, out = files
    run = aws(course, f"aws kms encrypt --key-id {key_id} --plaintext fileb://{plain} --output text --query CiphertextBlob | base64 --decode > {enc}")
    out.write_bytes(b"")
    return run


def test_key_id_without_the_alias_prefix(course, files) -> None:
    key, plain, enc, out = files
    bare = key.alias.removeprefix("alias/")
    assert b"NotFoundException" in _encrypt_under(course, files, bare).stderr
    assert lab03.check(course, plain, enc, out, key_id=bare).hints() == [
        f"{enc} is empty, because the encrypt command failed: your --key-id is '{bare}', which KMS reads as a key id and "
        f"finds no key by it: an alias is named with its prefix, --key-id alias/{bare}."
    ]


def test_alias_that_does_not_exist(course, files) -> None:
    key, plain, enc, out = files
    assert b"NotFoundException" in _encrypt_under(course, files, "alias/kmscourse-learner-nokey").stderr
    assert lab03.check(course, plain, enc, out, key_id="alias/kmscourse-learner-nokey").hints() == [
        f"{enc} is empty, because the encrypt command failed: there is no alias 'alias/kmscourse-learner-nokey' in "
        f"{course.region} (KMS says NotFoundException); the course key's alias is {key.alias}: --key-id {key.alias}."
    ]


def test_key_pending_deletion(course, files) -> None:
    _, plain, enc, out = files
    kms = course.client("kms")
    doomed = kms.create_key(Description="lab03 doomed key", Tags=course.tags("TagKey", "TagValue"))["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    assert b"KMSInvalidStateException" in _encrypt_under(course, files, doomed).stderr
    hint = lab03.check(course, plain, enc, out, key_id=doomed).hints()[0]
    assert hint.startswith(f"{enc} is empty, because the encrypt command failed: your --key-id {doomed} names key {doomed}, "
                           "which is pending deletion, so KMS refuses to encrypt with it (KMSInvalidStateException).")


def test_nothing_done_yet_names_the_step(course, tmp_path, monkeypatch) -> None:
    """The lab's check cell, `lab03.check(course)`, before Exercise 1: the step that writes the missing file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work" / "03").mkdir(parents=True)
    (tmp_path / "work" / "03" / "lab-secret.txt").write_text("secret")
    assert lab03.check(course).hints() == [
        "ciphertext_path is 'work/03/lab-secret.enc', which is not a file; do Exercise 1 first (it writes work/03/lab-secret.enc)."
    ]
