"""Lab 14's check: each mistake gets its own hint naming the learner's value, and hand-typed answers do not pass."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from kmscourse import imported_keys, multi_region
from kmscourse.checks import lab14
from kmscourse.demo_keys import ensure_key

MESSAGE = b"payroll run, December"
MRK_MESSAGE = b"backup manifest 2026-12"


def _expired(course, tmp_path: Path, name: str) -> tuple[str, bytes, bytes, dt.datetime]:
    """An EXTERNAL key whose material expired after it encrypted MESSAGE: (key id, material, ciphertext, valid_to)."""
    kms = course.client("kms")
    material_file = tmp_path / f"{name}.bin"
    material = imported_keys.load_or_create_material(material_file)
    key = imported_keys.ensure_external_key(course, f"test14-{name}", "lab 14 test", material_file)
    valid_to = imported_keys.now(course) + dt.timedelta(days=2)
    imported_keys.import_material(kms, key.key_id, material, valid_to)
    ciphertext = kms.encrypt(KeyId=key.key_id, Plaintext=MESSAGE)["CiphertextBlob"]
    course.advance_clock(days=3)
    return key.key_id, material, ciphertext, valid_to


def _replicated(course, name: str) -> tuple[str, dict]:
    """A multi-Region key with a replica in the other Region, and the replica's answer to a Region A ciphertext."""
    primary = multi_region.ensure_primary(course, f"test14-{name}", "lab 14 test")
    multi_region.ensure_replica(course, primary, multi_region.other_region(course))
    blob = course.client("kms").encrypt(KeyId=primary.key_id, Plaintext=MRK_MESSAGE)["CiphertextBlob"]
    answer_b = multi_region.client(course, multi_region.other_region(course)).decrypt(CiphertextBlob=blob)
    return primary.key_id, answer_b


def _check(course, key_id, ciphertext, recovered, mrk_id, answer_b, state="PendingImport", valid_to=None, region=None):
    return lab14.check(course, key_id, ciphertext, recovered, mrk_id, answer_b, message=MESSAGE, mrk_message=MRK_MESSAGE,
                       state_after_expiry=state, valid_to=valid_to or imported_keys.now(course) - dt.timedelta(days=1),
                       region=region or multi_region.other_region(course))


@pytest.fixture(scope="module")
def replicated(course):
    return _replicated(course, "mrk")


def test_right_answers_pass(course, tmp_path, replicated) -> None:
    key_id, material, ciphertext, valid_to = _expired(course, tmp_path, "ok")
    imported_keys.import_material(course.client("kms"), key_id, material)
    result = _check(course, key_id, ciphertext, MESSAGE, *replicated, valid_to=valid_to)
    assert result.passed, str(result)


def test_not_reimported_names_the_state(course, tmp_path, replicated) -> None:
    key_id, _, ciphertext, valid_to = _expired(course, tmp_path, "gone")
    assert _check(course, key_id, ciphertext, MESSAGE, *replicated, valid_to=valid_to).hints() == [
        f"KMS says key {key_id} is PendingImport: it has no key material. Import the same material again (Exercise 2), "
        "with new import parameters."
    ]


def test_typed_answers_do_not_pass_a_key_without_material(course, tmp_path, replicated) -> None:
    """False pass: state_after_expiry and recovered typed by hand, but the key still has no material."""
    key_id, _, ciphertext, valid_to = _expired(course, tmp_path, "typed")
    result = _check(course, key_id, ciphertext, MESSAGE, *replicated, state="PendingImport", valid_to=valid_to)
    assert not result.passed
    assert "the key has its material again" in [item.name for item in result.failures]


def test_reimported_with_an_expiry_again(course, tmp_path, replicated) -> None:
    key_id, material, ciphertext, valid_to = _expired(course, tmp_path, "again")
    again = imported_keys.now(course) + dt.timedelta(days=30)
    imported_keys.import_material(course.client("kms"), key_id, material, again)
    hints = _check(course, key_id, ciphertext, MESSAGE, *replicated, valid_to=valid_to).hints()
    assert len(hints) == 1 and hints[0].startswith("KMS says the material expires again on ")
    assert hints[0].endswith("import it once more with ExpirationModel='KEY_MATERIAL_DOES_NOT_EXPIRE' and no ValidTo, so "
                             "it cannot expire under you a second time.")


def test_new_material_refused_is_explained(course, tmp_path, monkeypatch, replicated) -> None:
    key_id, _, ciphertext, valid_to = _expired(course, tmp_path, "newbytes")
    with pytest.raises(ClientError) as refused:
        imported_keys.import_material(course.client("kms"), key_id, os.urandom(32))
    monkeypatch.setattr("sys.last_value", refused.value, raising=False)
    assert _check(course, key_id, ciphertext, MESSAGE, *replicated, valid_to=valid_to).hints() == [
        "your last import_key_material was refused with IncorrectKeyMaterialException: a key takes only the material it "
        "first had; import the same 32 bytes again, the ones in the setup's material file, not new random bytes."
    ]


def test_expired_token_is_explained(course, tmp_path, monkeypatch, replicated) -> None:
    kms = course.client("kms")
    material_file = tmp_path / "token.bin"
    material = imported_keys.load_or_create_material(material_file)
    key = imported_keys.ensure_external_key(course, "test14-token", "lab 14 test", material_file)
    parameters = kms.get_parameters_for_import(KeyId=key.key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
    course.advance_clock(hours=25)
    with pytest.raises(ClientError) as refused:
        kms.import_key_material(KeyId=key.key_id, ImportToken=parameters["ImportToken"],
                                EncryptedKeyMaterial=imported_keys.wrap(parameters["PublicKey"], material),
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
    monkeypatch.setattr("sys.last_value", refused.value, raising=False)
    hints = _check(course, key.key_id, b"x", MESSAGE, *replicated).hints()
    assert hints[0].startswith("your last import_key_material was refused with ExpiredImportTokenException: an import "
                               "token and its wrapping key last 24 hours")


def test_state_read_before_the_expiry(course, tmp_path, replicated) -> None:
    key_id, material, ciphertext, _ = _expired(course, tmp_path, "early")
    imported_keys.import_material(course.client("kms"), key_id, material)
    ahead = imported_keys.now(course) + dt.timedelta(days=2)
    assert _check(course, key_id, ciphertext, MESSAGE, *replicated, state="Enabled", valid_to=ahead).hints() == [
        f"your valid_to is {ahead!r}, still ahead of the emulator's clock ({imported_keys.now(course):%Y-%m-%d %H:%M} UTC): "
        "move the clock past it with course.advance_clock(days=...) (Exercise 2).",
        "your state_after_expiry is 'Enabled': you read the state before the material expired. Move the clock past "
        "valid_to first (on a sandbox account, delete the material), then describe the key.",
    ]


def test_a_key_with_kms_material(course, replicated) -> None:
    key_id = ensure_key(course, "test14-kmsmade", "lab 14 test").key_id
    assert _check(course, key_id, b"x", MESSAGE, *replicated).hints() == [
        f"key {key_id} has Origin AWS_KMS: KMS made its material, so nothing can be imported into it. Use the setup's "
        "lab_key (created with Origin EXTERNAL)."
    ]


def test_ciphertext_of_another_key_and_text_recovered(course, tmp_path, replicated) -> None:
    key_id, material, _, valid_to = _expired(course, tmp_path, "other")
    imported_keys.import_material(course.client("kms"), key_id, material)
    other = ensure_key(course, "test14-otherkey", "lab 14 test")
    blob = course.client("kms").encrypt(KeyId=other.key_id, Plaintext=MESSAGE)["CiphertextBlob"]
    assert _check(course, key_id, blob, MESSAGE.decode(), *replicated, valid_to=valid_to).hints() == [
        f"your ciphertext was made by {other.key_arn}, not lab_key "
        f"(arn:aws:kms:{course.region}:{course.account_id}:key/{key_id}); encrypt with KeyId=lab_key.key_id.",
        f"your recovered is the text {MESSAGE.decode()!r}; KMS returns bytes, so keep decrypt(...)['Plaintext'] as it is.",
    ]


def test_no_replica_yet(course, tmp_path) -> None:
    key_id, material, ciphertext, valid_to = _expired(course, tmp_path, "norep")
    imported_keys.import_material(course.client("kms"), key_id, material)
    primary = multi_region.ensure_primary(course, "test14-norep", "lab 14 test")
    region = multi_region.other_region(course)
    forged = {"KeyId": f"arn:aws:kms:{region}:{course.account_id}:key/{primary.key_id}", "Plaintext": MRK_MESSAGE}
    assert _check(course, key_id, ciphertext, MESSAGE, primary.key_id, forged, valid_to=valid_to).hints() == [
        "mrk_key has no replica; call replicate_key(KeyId=mrk_key.key_id, ReplicaRegion=other_region) on the primary's "
        f"client (Exercise 3). other_region is {region}."
    ]


def test_replica_in_the_wrong_region(course, tmp_path) -> None:
    key_id, material, ciphertext, valid_to = _expired(course, tmp_path, "wrongrep")
    imported_keys.import_material(course.client("kms"), key_id, material)
    primary = multi_region.ensure_primary(course, "test14-wrongrep", "lab 14 test")
    multi_region.ensure_replica(course, primary, "eu-west-1")
    region = multi_region.other_region(course)
    assert _check(course, key_id, ciphertext, MESSAGE, primary.key_id, {}, valid_to=valid_to).hints() == [
        f"mrk_key has replicas in eu-west-1, not in {region}; the lab asks for other_region, {region}."
    ]


def test_decrypted_in_region_a(course, tmp_path, replicated) -> None:
    key_id, material, ciphertext, valid_to = _expired(course, tmp_path, "regiona")
    imported_keys.import_material(course.client("kms"), key_id, material)
    mrk_id, _ = replicated
    blob = course.client("kms").encrypt(KeyId=mrk_id, Plaintext=MRK_MESSAGE)["CiphertextBlob"]
    in_a = course.client("kms").decrypt(CiphertextBlob=blob)
    region = multi_region.other_region(course)
    assert _check(course, key_id, ciphertext, MESSAGE, mrk_id, in_a, valid_to=valid_to).hints() == [
        f"your answer_b came from {in_a['KeyId']}, the primary in {course.region}: that is Region A. Make a client for "
        f"{region} with multi_region.client(course, other_region) and decrypt there."
    ]


def test_nothing_defined_yet_names_the_setup(course) -> None:
    """The lab's check cell, `lab14.check(course)`, run before anything: no NameError, and the step to do."""
    assert lab14.check(course).hints() == ["lab_key is not defined yet: run the setup cell first (its cell defines lab_key)."]
