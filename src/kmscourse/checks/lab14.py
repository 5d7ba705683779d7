"""Lab 14: import key material that expires, recover from the expiry, and decrypt in a second Region."""
from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import ClientError

from .. import imported_keys, multi_region
from ..course import Course
from .notebook import NOT_SET, answer, last_error, require
from .result import CheckResult

_IMPORT_HINTS = {
    "ExpiredImportTokenException": ("an import token and its wrapping key last 24 hours, and the clock has moved on since "
                                    "you asked for them: call get_parameters_for_import again and wrap with the new public key."),
    "IncorrectKeyMaterialException": ("a key takes only the material it first had; import the same 32 bytes again, the ones "
                                      "in the setup's material file, not new random bytes."),
    "InvalidImportTokenException": "the import token belongs to another key: ask get_parameters_for_import for lab_key's own.",
    "InvalidCiphertextException": ("KMS could not unwrap EncryptedKeyMaterial: wrap the material with the PublicKey from the "
                                   "same get_parameters_for_import answer as the ImportToken, with RSAES_OAEP_SHA_256."),
}


def _refused_import() -> str:
    """A hint for the notebook's last failed ImportKeyMaterial call, or ''."""
    error = last_error()
    if isinstance(error, ClientError) and error.operation_name == "ImportKeyMaterial":
        code = error.response["Error"]["Code"]
        if code in _IMPORT_HINTS:
            return f"your last import_key_material was refused with {code}: {_IMPORT_HINTS[code]}"
    return ""


def _check_import(result: CheckResult, course: Course, key_id: str, ciphertext: Any, recovered: Any, message: Any,
                  state_after_expiry: Any, valid_to: Any) -> None:
    """Exercises 1 and 2: the key's material expired, was seen to, and is back without an expiry."""
    kms = course.client("kms")
    try:
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    except ClientError as exc:
        result.add("lab_key exists", False, f"KMS says {exc.response['Error']['Code']} for key {key_id!r}; run the setup cell again.")
        return
    if not result.add("lab_key is a key for imported material", meta.get("Origin") == "EXTERNAL",
                      f"key {key_id} has Origin {meta.get('Origin')}: KMS made its material, so nothing can be imported "
                      "into it. Use the setup's lab_key (created with Origin EXTERNAL)."):
        return
    if course.backend == "emulator" and require(result, valid_to, "valid_to", "do Exercise 1", "the material's ValidTo has passed"):
        passed = isinstance(valid_to, dt.datetime) and valid_to.tzinfo is not None and valid_to <= imported_keys.now(course)
        hint = (f"your valid_to is {valid_to!r}, still ahead of the emulator's clock ({imported_keys.now(course):%Y-%m-%d %H:%M} "
                "UTC): move the clock past it with course.advance_clock(days=...) (Exercise 2).")
        if not isinstance(valid_to, dt.datetime) or valid_to.tzinfo is None:
            hint = (f"your valid_to is {valid_to!r}; make it a timezone-aware datetime two days after imported_keys.now(course), "
                    "and pass it to import_key_material as ValidTo.")
        result.add("the material's ValidTo has passed", passed, hint)
    if require(result, state_after_expiry, "state_after_expiry", "do Exercise 2", "you saw the key lose its material"):
        hint = (f"your state_after_expiry is {state_after_expiry!r}; read KeyState from describe_key after the material "
                "has gone.")
        if state_after_expiry == "Enabled":
            hint = ("your state_after_expiry is 'Enabled': you read the state before the material expired. Move the clock "
                    "past valid_to first (on a sandbox account, delete the material), then describe the key.")
        result.add("you saw the key lose its material", state_after_expiry == "PendingImport", hint)
    state = meta["KeyState"]
    result.add("the key has its material again", state == "Enabled",
               _refused_import() or f"KMS says key {key_id} is {state}: it has no key material. Import the same material "
               "again (Exercise 2), with new import parameters.")
    if state == "Enabled":
        model = meta.get("ExpirationModel")
        hint = (f"KMS says the material expires again on {meta.get('ValidTo')}: import it once more with "
                "ExpirationModel='KEY_MATERIAL_DOES_NOT_EXPIRE' and no ValidTo, so it cannot expire under you a second time.")
        result.add("the re-imported material does not expire", model == "KEY_MATERIAL_DOES_NOT_EXPIRE", hint)
        _check_ciphertext(result, kms, key_id, meta["Arn"], ciphertext, message)
    if require(result, recovered, "recovered", "do Exercise 2", "recovered is the message"):
        hint = f"your recovered is {recovered!r}, not the message {message!r}; keep decrypt(...)['Plaintext'] of ciphertext."
        if isinstance(recovered, str) and isinstance(message, bytes) and recovered.encode() == message:
            hint = f"your recovered is the text {recovered!r}; KMS returns bytes, so keep decrypt(...)['Plaintext'] as it is."
        result.add("recovered is the message", recovered == message, hint)


def _check_ciphertext(result: CheckResult, kms: Any, key_id: str, arn: str, ciphertext: Any, message: Any) -> None:
    """Exercise 1's ciphertext was made by lab_key and decrypts to the message now (old data is back)."""
    if not require(result, ciphertext, "ciphertext", "do Exercise 1", "ciphertext from before the expiry decrypts now"):
        return
    if not isinstance(ciphertext, bytes):
        result.add("ciphertext from before the expiry decrypts now", False,
                   f"your ciphertext is a {type(ciphertext).__name__}; keep encrypt(...)['CiphertextBlob'], which is bytes.")
        return
    try:
        found = kms.decrypt(CiphertextBlob=ciphertext)
    except ClientError as exc:
        result.add("ciphertext from before the expiry decrypts now", False,
                   f"KMS refused to decrypt your ciphertext ({exc.response['Error']['Code']}); encrypt the message with "
                   "lab_key in Exercise 1 and keep its CiphertextBlob.")
        return
    if found["KeyId"] != arn:
        result.add("ciphertext from before the expiry decrypts now", False,
                   f"your ciphertext was made by {found['KeyId']}, not lab_key ({arn}); encrypt with KeyId=lab_key.key_id.")
        return
    result.add("ciphertext from before the expiry decrypts now", found["Plaintext"] == message,
               f"your ciphertext decrypts to {found['Plaintext']!r}, not the message {message!r}; encrypt `message`.")


def _check_replica(result: CheckResult, course: Course, mrk_id: str, region: str, answer_b: Any, mrk_message: Any) -> None:
    """Exercise 3: a replica in the second Region exists, and decrypted there what Region A encrypted."""
    kms = course.client("kms")
    try:
        config = multi_region.configuration(kms, mrk_id)
    except ClientError as exc:
        result.add("mrk_key exists", False, f"KMS says {exc.response['Error']['Code']} for key {mrk_id!r}; run the setup cell again.")
        return
    if not result.add("mrk_key is a multi-Region primary key", config.get("MultiRegionKeyType") == "PRIMARY",
                      f"key {mrk_id} is {config.get('MultiRegionKeyType', 'a single-Region key')}, not a multi-Region "
                      "primary in this Region; use the setup's mrk_key."):
        return
    regions = [r["Region"] for r in config.get("ReplicaKeys", [])]
    hint = (f"mrk_key has no replica; call replicate_key(KeyId=mrk_key.key_id, ReplicaRegion=other_region) on the "
            f"primary's client (Exercise 3). other_region is {region}.")
    if regions:
        hint = f"mrk_key has replicas in {', '.join(regions)}, not in {region}; the lab asks for other_region, {region}."
    if not result.add(f"mrk_key has a replica in {region}", region in regions, hint):
        return
    there = multi_region.client(course, region)
    replica = there.describe_key(KeyId=mrk_id)["KeyMetadata"]
    result.add(f"the replica in {region} is Enabled", replica["KeyState"] == "Enabled",
               f"KMS says the replica in {region} is {replica['KeyState']}; it must be Enabled to decrypt (enable_key "
               "with a client for that Region).")
    if not require(result, answer_b, "answer_b", "do Exercise 3", f"the ciphertext decrypted in {region}"):
        return
    used = answer_b.get("KeyId") if isinstance(answer_b, dict) else None
    hint = (f"your answer_b is {type(answer_b).__name__} {str(answer_b)[:60]!r}; keep the whole answer of decrypt(...) made "
            f"with a client for {region}.")
    if isinstance(used, str) and used.split(":")[3:4] == [course.region]:
        hint = (f"your answer_b came from {used}, the primary in {course.region}: that is Region A. Make a client for "
                f"{region} with multi_region.client(course, other_region) and decrypt there.")
    if not result.add(f"the ciphertext decrypted in {region}", used == replica["Arn"], hint):
        return
    result.add(f"the replica in {region} returned the Region A message", answer_b.get("Plaintext") == mrk_message,
               f"answer_b's Plaintext is {answer_b.get('Plaintext')!r}, not mrk_message {mrk_message!r}; decrypt "
               "mrk_ciphertext, which the setup made in Region A.")


def check(course: Course, key_id: Any = NOT_SET, ciphertext: Any = NOT_SET, recovered: Any = NOT_SET,
          mrk_key_id: Any = NOT_SET, answer_b: Any = NOT_SET, message: Any = NOT_SET, mrk_message: Any = NOT_SET,
          state_after_expiry: Any = NOT_SET, valid_to: Any = NOT_SET, region: Any = NOT_SET) -> CheckResult:
    """The imported material expired and came back, old ciphertext decrypts, and a replica in Region B decrypted Region A's.

    The lab's check cell, `lab14.check(course)`, reads `lab_key`, `message`, `valid_to`, `ciphertext`,
    `state_after_expiry`, `recovered`, `mrk_key`, `mrk_message`, `other_region` and `answer_b` from the notebook.
    Lesson 14 passes its own values.
    """
    result = CheckResult("Lab 14")
    if key_id is NOT_SET:
        key_id = getattr(answer(NOT_SET, "lab_key"), "key_id", NOT_SET)
    mrk_key_id = mrk_key_id if mrk_key_id is not NOT_SET else getattr(answer(NOT_SET, "mrk_key"), "key_id", NOT_SET)
    message, mrk_message = answer(message, "message"), answer(mrk_message, "mrk_message")
    region = answer(region, "other_region")
    if not all(require(result, value, name, "run the setup cell", f"{name} is defined") for value, name in
               ((key_id, "lab_key"), (message, "message"), (mrk_key_id, "mrk_key"), (mrk_message, "mrk_message"),
                (region, "other_region"))):
        return result.finish()
    _check_import(result, course, str(key_id), answer(ciphertext, "ciphertext"), answer(recovered, "recovered"), message,
                  answer(state_after_expiry, "state_after_expiry"), answer(valid_to, "valid_to"))
    _check_replica(result, course, str(mrk_key_id), str(region), answer(answer_b, "answer_b"), mrk_message)
    return result.finish()
