"""Lab 06 (the original lab 10.2.1): encrypt a file on the client, upload it, read the stored ciphertext, decrypt it back."""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from .. import s3_encryption_client as s3ec
from ..course import Course
from ..prereqs import default_alias
from .common import course_key_and_bucket
from .notebook import NOT_SET, answer, require
from .result import CheckResult

PLAINTEXT = b"The launch code is 0000. (A file the lab 06 check encrypts with your functions.)\n" * 20
OBJECT_KEY = "kmscourse-check/lab06-object.txt"
"""Where the check uploads its own file through your function; it deletes it afterwards."""


def _failure(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return f"{exc.response['Error']['Code']} from {exc.operation_name}"
    return f"{type(exc).__name__}: {exc}"


def check(course: Course, bucket: Any = NOT_SET, context: Mapping[str, str] = NOT_SET,
          encrypt_and_upload: Callable[[str, str], Any] = NOT_SET, read_stored: Callable[[str], Any] = NOT_SET,
          download_and_decrypt: Callable[[str, str], Any] = NOT_SET) -> CheckResult:
    """Run your three steps on a file of the check's own, and inspect the object through a plain S3 client and KMS.

    The lab's check cell, `lab06.check(course)`, reads the bucket, the context and your three functions from the notebook.
    """
    result = CheckResult("Lab 06")
    s3, kms = s3ec.new_s3_client(course), course.client("kms")  # a client of its own: yours may be wrapped
    alias = default_alias(course)
    bucket, context = answer(bucket, "bucket"), answer(context, "context")
    steps = {"encrypt_and_upload": (encrypt_and_upload, "do Exercise 1", "encrypt_and_upload runs"),
             "read_stored": (read_stored, "do Exercise 2", "read_stored returns the ciphertext S3 holds"),
             "download_and_decrypt": (download_and_decrypt, "do Exercise 3", "the decrypted file equals the original")}
    found = {name: answer(value, name) for name, (value, _, _) in steps.items()}
    ready = [require(result, found[name], name, step, item) for name, (_, step, item) in steps.items()]
    if not (require(result, bucket, "bucket", "run the setup cell") and require(result, context, "context", "run the setup cell")):
        return result.finish()
    key_arn = course_key_and_bucket(course, result, kms, bucket)
    if key_arn is None or not all(ready):
        return result.finish()
    encrypt_and_upload, read_stored, download_and_decrypt = (found[name] for name in steps)
    result.add("course.client('s3') is still a plain client", not hasattr(course.client("s3"), "_s3ec_plugin_context"),
               "you gave course.client('s3') to S3EncryptionClient, which attached itself to it: from now on it decrypts "
               "too. Wrap s3_encryption_client.new_s3_client(course) instead, and restart the kernel to get a plain one back.")
    with tempfile.TemporaryDirectory(prefix="kmscourse-lab06-") as tmp:
        original, decrypted = Path(tmp) / "plaintext-file.txt", Path(tmp) / "decrypted-file.txt"
        original.write_bytes(PLAINTEXT)
        try:
            _run(course, result, s3, kms, bucket, dict(context), key_arn, alias, original, decrypted,
                 encrypt_and_upload, read_stored, download_and_decrypt)
        finally:
            s3.delete_object(Bucket=bucket, Key=OBJECT_KEY)
    return result.finish()


def _run(course: Course, result: CheckResult, s3: Any, kms: Any, bucket: str, context: dict[str, str], key_arn: str,
         alias: str, original: Path, decrypted: Path, encrypt_and_upload: Callable[[str, str], Any],
         read_stored: Callable[[str], Any], download_and_decrypt: Callable[[str, str], Any]) -> None:
    """The checks proper, on the check's own object."""
    try:
        encrypt_and_upload(str(original), OBJECT_KEY)
    except Exception as exc:  # the learner's code: a hint, never a traceback
        result.add("encrypt_and_upload runs", False, f"encrypt_and_upload(path, object_key) raised {_failure(exc)}.")
        return
    try:
        stored = s3.get_object(Bucket=bucket, Key=OBJECT_KEY)
    except ClientError as exc:
        result.add("the object is in the bucket", False,
                   f"a plain get_object of {OBJECT_KEY} in {bucket} says {_failure(exc)}; upload to the bucket you were given.")
        return
    metadata, raw = stored.get("Metadata", {}), stored["Body"].read()
    if not result.add("the object was encrypted by the S3 Encryption Client", s3ec.is_client_encrypted(metadata),
                      "the object has no encryption metadata (x-amz-3), so a plain S3 client uploaded it; call put_object "
                      "on the S3EncryptionClient, not on the boto3 client."):
        return
    result.add("the object in S3 is not the plaintext", PLAINTEXT[:60] not in raw,
               "the stored bytes contain your file's text; upload through the S3EncryptionClient.")
    try:
        used = s3ec.key_of_object(kms, metadata)
    except ClientError as exc:
        result.add("the object's metadata names the course key", False, f"KMS cannot open the stored data key ({_failure(exc)}).")
        used = None
    if used is not None:
        aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=used).get("Aliases", [])]
        shown = f"{used} ({', '.join(aliases)})" if aliases else used
        result.add("the object's metadata names the course key", used == key_arn,
                   f"the object's data key was made under {shown}; build the KmsKeyring with kms_key_id='{alias}'.")
    stored_context = s3ec.stored_context(metadata)
    missing = {k: v for k, v in context.items() if stored_context.get(k) != v}
    result.add("the object is bound to your encryption context", not missing,
               f"the stored encryption context is {stored_context}, without {missing}; pass EncryptionContext=context "
               "to put_object.")
    _check_raw_read(result, read_stored, raw)
    _check_download(result, download_and_decrypt, original, decrypted, raw)


def _check_raw_read(result: CheckResult, read_stored: Callable[[str], Any], raw: bytes) -> None:
    """read_stored must return the bytes S3 holds, as a plain client sees them."""
    name = "read_stored returns the ciphertext S3 holds"
    try:
        seen = read_stored(OBJECT_KEY)
    except Exception as exc:
        hint = f"read_stored(object_key) raised {_failure(exc)}"
        if "encryption context" in str(exc).lower() or "S3EncryptionClient" in type(exc).__name__:
            hint += ("; the client you read with is wrapped by the S3EncryptionClient (it registers itself on the boto3 "
                     "client you give it); read raw objects with a separate plain client, course.client('s3').")
        result.add(name, False, hint + ("" if hint.endswith(".") else "."))
        return
    hint = f"read_stored returned {type(seen).__name__}, not the object's bytes; return get_object(...)['Body'].read()."
    if seen == PLAINTEXT:
        hint = ("read_stored returned the plaintext: you read through a client the S3EncryptionClient is attached to, "
                "which decrypts; use a separate plain client, course.client('s3').")
    result.add(name, seen == raw, hint)


def _check_download(result: CheckResult, download_and_decrypt: Callable[[str, str], Any], original: Path,
                    decrypted: Path, raw: bytes) -> None:
    """download_and_decrypt must write the original bytes under the new name."""
    name = "the decrypted file equals the original"
    try:
        download_and_decrypt(OBJECT_KEY, str(decrypted))
    except Exception as exc:
        hint = f"download_and_decrypt(object_key, path) raised {_failure(exc)}"
        if "encryption context does not match" in str(exc):
            hint += "; the object was encrypted with a context: pass the same EncryptionContext=context to get_object."
        result.add(name, False, hint + ("" if hint.endswith(".") else "."))
        return
    if not decrypted.exists():
        result.add(name, False, f"download_and_decrypt wrote nothing to the path it was given ({decrypted.name}).")
        return
    written = decrypted.read_bytes()
    hint = f"the file you wrote has {len(written)} bytes, the original {len(PLAINTEXT)}; write the decrypted Body."
    if written == raw:
        hint = "you saved the ciphertext: get the object through the S3EncryptionClient, which decrypts it."
    result.add(name, written == original.read_bytes(), hint)
