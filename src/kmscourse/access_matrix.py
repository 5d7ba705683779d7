"""Who can do what, tried for real: every principal against every key and action, through KMS and through S3.

A least-privilege design is only as good as the calls it refuses. `matrix` makes each call as each principal and
records what AWS answered, so a lesson or a check compares the outcome with the intended one, cell by cell.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from .course import Course
from .show import markdown_table

ACTIONS = ("Encrypt", "Decrypt", "DescribeKey", "via S3")
"""What `matrix` tries: three KMS calls by key ARN, and an SSE-KMS upload and download through S3."""

Cell = tuple[str, str, str]
"""(principal, key, action)."""


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Error"))


def attempt(course: Course, client_for: Any, action: str, key_arn: str, probe: bytes, bucket: str | None) -> str:
    """Make one call as the principal whose clients `client_for(service)` returns: '' when allowed, else the error code."""
    try:
        if action == "Encrypt":
            client_for("kms").encrypt(KeyId=key_arn, Plaintext=b"matrix probe")
        elif action == "Decrypt":
            client_for("kms").decrypt(CiphertextBlob=probe, KeyId=key_arn)
        elif action == "DescribeKey":
            client_for("kms").describe_key(KeyId=key_arn)
        elif action == "via S3":
            if bucket is None:
                return "no bucket"
            s3 = client_for("s3")
            name = f"matrix/{key_arn.rsplit('/', 1)[-1]}.txt"
            s3.put_object(Bucket=bucket, Key=name, Body=b"through S3", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
            s3.get_object(Bucket=bucket, Key=name)["Body"].read()
        else:
            raise ValueError(f"unknown action {action!r}; choose from {', '.join(ACTIONS)}")
    except ClientError as exc:
        return _code(exc)
    return ""


def probes(course: Course, keys: Mapping[str, str]) -> dict[str, bytes]:
    """A ciphertext under each key, made as you, for the Decrypt attempts."""
    kms = course.client("kms")
    return {name: kms.encrypt(KeyId=arn, Plaintext=b"matrix probe")["CiphertextBlob"] for name, arn in keys.items()}


def matrix(course: Course, principals: Mapping[str, Any], keys: Mapping[str, str],
           actions: tuple[str, ...] = ACTIONS, bucket: str | None = None) -> dict[Cell, str]:
    """{(principal, key, action): '' or the error code} for every principal (a cast Member), key ARN and action."""
    made = probes(course, keys)
    return {(who, key, action): attempt(course, member.client, action, arn, made[key], bucket)
            for who, member in principals.items() for key, arn in keys.items() for action in actions}


def differences(found: Mapping[Cell, str], allowed: set[Cell]) -> tuple[list[Cell], list[Cell]]:
    """(over-grants, under-grants): cells allowed but not intended, and intended but refused."""
    over = [cell for cell, error in found.items() if not error and cell not in allowed]
    under = [cell for cell, error in found.items() if error and cell in allowed]
    return over, under


def table(found: Mapping[Cell, str], allowed: set[Cell] | None = None) -> str:
    """One row per principal and key, one column per action: allowed, or the refusal's code; marks what differs from `allowed`."""
    actions = list(dict.fromkeys(action for _, _, action in found))
    rows = []
    for who, key in dict.fromkeys((w, k) for w, k, _ in found):
        cells = []
        for action in actions:
            error = found[(who, key, action)]
            text = "allowed" if not error else f"refused ({error})"
            if allowed is not None and (not error) != ((who, key, action) in allowed):
                text += " **over-grant**" if not error else " **under-grant**"
            cells.append(text)
        rows.append((who, key, *cells))
    return markdown_table(["Principal", "Key", *actions], rows)
