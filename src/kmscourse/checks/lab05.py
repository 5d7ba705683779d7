"""Lab 05: a bucket whose default encryption is SSE-KMS with the course key, and a policy that insists on it."""
from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from ..prereqs import default_alias
from .common import course_key_and_bucket
from .result import CheckResult

KEY_ID_CONDITION = "s3:x-amz-server-side-encryption-aws-kms-key-id"
PROBE = "kmscourse-check/probe-{}.txt"
"""Where the check's test uploads go; it deletes them again."""


def _code(exc: ClientError) -> str:
    return str(exc.response["Error"]["Code"])


def _policy_key_values(policy: dict[str, Any]) -> list[str]:
    """The values the policy's conditions give for the SSE-KMS key id condition key."""
    found: list[str] = []
    statements = policy.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        for tests in (statement.get("Condition") or {}).values():
            for key, values in tests.items() if isinstance(tests, dict) else []:
                if key.lower() == KEY_ID_CONDITION:
                    found += values if isinstance(values, list) else [values]
    return [str(v) for v in found]


def _put(s3: Any, bucket: str, name: str, **headers: str) -> str:
    """Upload a probe object; return '' when S3 accepted it (and delete it), else the refusal's code."""
    key = PROBE.format(name)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"probe from the lab 05 check", **headers)
    except ClientError as exc:
        return _code(exc)
    s3.delete_object(Bucket=bucket, Key=key)
    return ""


def check(course: Course, bucket: Any) -> CheckResult:
    """Read the bucket's default encryption and policy, then make a compliant and two non-compliant uploads."""
    result = CheckResult("Lab 05")
    s3, kms = course.client("s3"), course.client("kms")
    alias = default_alias(course)
    key_arn = course_key_and_bucket(course, result, kms, bucket)
    if key_arn is None:
        return result.finish()
    try:
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    except ClientError as exc:
        result.add("the bucket exists", False, f"S3 says {_code(exc)} for {bucket}; create it with buckets.ensure_bucket.")
        return result.finish()
    default = rule.get("ApplyServerSideEncryptionByDefault", {})
    algorithm, configured = default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")
    result.add("default encryption is SSE-KMS", algorithm == "aws:kms",
               f"the bucket's default SSEAlgorithm is '{algorithm}'; set 'aws:kms' with put_bucket_encryption.")
    if algorithm == "aws:kms":
        used = kms.describe_key(KeyId=configured)["KeyMetadata"]["Arn"] if configured else None
        hint = (f"KMSMasterKeyID is '{configured}', which is not the course key; use '{alias}' or {key_arn}." if configured
                else f"no KMSMasterKeyID is set, so S3 would use the AWS managed key aws/s3; set it to '{alias}'.")
        result.add("the default key is the course key", used == key_arn, hint)
    result.add("S3 Bucket Keys are enabled", rule.get("BucketKeyEnabled") is True,
               f"BucketKeyEnabled is {rule.get('BucketKeyEnabled')}; set it to True in the same rule, to cut KMS requests.")
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as exc:
        result.add("the bucket has a policy", False, f"get_bucket_policy says {_code(exc)}; attach one with put_bucket_policy.")
        return result.finish()
    result.add("the bucket has a policy", True)

    refused = _put(s3, bucket, "compliant", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    named = _policy_key_values(policy)
    hint = f"an upload with ServerSideEncryption='aws:kms' and SSEKMSKeyId={key_arn} was refused ({refused})"
    if named and key_arn not in named:
        hint += f"; your policy compares the key id with {named}, but S3 compares it as sent: write the key ARN."
    else:
        hint += "; the Deny must apply only when the key id differs from the course key ARN (StringNotEquals)."
    result.add("a compliant upload (SSE-KMS with the course key ARN) is accepted", not refused, hint)

    through = [what for what, headers in (
        ("SSE-S3 (ServerSideEncryption='AES256')", {"ServerSideEncryption": "AES256"}),
        ("SSE-KMS with the AWS managed key aws/s3", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/aws/s3"}),
    ) if _put(s3, bucket, what.split()[0].lower(), **headers) == ""]
    result.add("uploads under any other key are refused", not through,
               f"S3 accepted an upload with {' and '.join(through)}; add a Deny on s3:PutObject when "
               f"{KEY_ID_CONDITION} is not {key_arn}.")
    return result.finish()
