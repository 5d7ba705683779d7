"""Lab 05: a bucket whose default encryption is SSE-KMS with the course key, and a policy that insists on it."""
from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from ..course import Course
from ..prereqs import default_alias
from .common import course_key_and_bucket
from .notebook import NOT_SET, answer, require
from .result import CheckResult

KEY_ID_CONDITION = "s3:x-amz-server-side-encryption-aws-kms-key-id"
ALGORITHM_CONDITION = "s3:x-amz-server-side-encryption"
_POSITIVE = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike")
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


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [st for st in _list(policy.get("Statement", [])) if isinstance(st, dict)]


def _covers(patterns: Any, value: str) -> bool:
    return any(isinstance(p, str) and fnmatchcase(value.lower(), p.lower()) for p in _list(patterns))


def _tests(statement: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """A statement's conditions as (operator, condition key, values), keys lower-cased."""
    found = []
    for operator, tests in (statement.get("Condition") or {}).items():
        for key, values in tests.items() if isinstance(tests, dict) else []:
            found.append((str(operator), str(key).lower(), _list(values)))
    return found


def _upload_denies(policy: dict[str, Any], bucket: str) -> list[dict[str, Any]]:
    """The Deny statements that apply to an upload of an object of this bucket by anyone."""
    return [st for st in _statements(policy) if st.get("Effect") == "Deny" and _covers(st.get("Action"), "s3:PutObject")
            and _covers(st.get("Resource"), f"arn:aws:s3:::{bucket}/probe") and st.get("Principal") in ("*", {"AWS": "*"})]


def why_others_pass(policy: dict[str, Any], bucket: str, key_arn: str) -> str | None:
    """Why the policy lets an upload under another key through, read from the policy itself (None: nothing shows)."""
    statements = _statements(policy)
    denies = [st for st in statements if st.get("Effect") == "Deny"]
    if not denies:
        effects = ", ".join(sorted({str(st.get("Effect")) for st in statements})) or "none"
        return ("your policy has no Deny statement (its effects: " + effects + "); an Allow in a bucket policy only grants, "
                'it never refuses, so write "Effect": "Deny".')
    puts = [st for st in denies if _covers(st.get("Action"), "s3:PutObject")]
    if not puts:
        actions = sorted({str(a) for st in denies for a in _list(st.get("Action"))})
        return f"your Deny covers {', '.join(actions)}, not s3:PutObject, the action of an upload."
    objects = [st for st in puts if _covers(st.get("Resource"), f"arn:aws:s3:::{bucket}/probe")]
    if not objects:
        resources = sorted({str(r) for st in puts for r in _list(st.get("Resource"))})
        return (f"your Deny's Resource is {', '.join(resources)}, which names no object of {bucket}; an upload acts on an "
                f"object, so name arn:aws:s3:::{bucket}/* (the bucket's own ARN covers no object).")
    everyone = [st for st in objects if st.get("Principal") in ("*", {"AWS": "*"})]
    if not everyone:
        return (f"your Deny applies only to {json.dumps(objects[0].get('Principal'))}, so uploads by anyone else (you "
                'included) are not refused; make it "Principal": "*".')
    tests = [t for st in everyone for t in _tests(st)]
    if any(op.lower() == "null" and key == KEY_ID_CONDITION and [str(v).lower() for v in values] == ["false"]
           for op, key, values in tests):
        return (f"your Null condition on {KEY_ID_CONDITION} exempts every upload that names no KMS key, so an SSE-S3 "
                f"upload (AES256) passes; add a second Deny for when {ALGORITHM_CONDITION} is not aws:kms.")
    if not any(key == KEY_ID_CONDITION for _, key, _ in tests):
        if any(key == ALGORITHM_CONDITION for _, key, _ in tests):
            return (f"your condition tests only {ALGORITHM_CONDITION}, the algorithm, so an upload under any KMS key "
                    f"(aws/s3 too) passes; compare {KEY_ID_CONDITION} with {key_arn}.")
        return f"your Deny has no condition on {KEY_ID_CONDITION}; deny when it is not {key_arn} (StringNotEquals)."
    return None


def why_compliant_refused(policy: dict[str, Any], bucket: str) -> str | None:
    """Why the policy refuses an upload under the course key, read from the policy itself (None: nothing shows)."""
    for statement in _upload_denies(policy, bucket):
        tests = _tests(statement)
        if not tests:
            return ('your Deny has no Condition, so it refuses every upload, the course key\'s too; add "Condition": '
                    f'{{"StringNotEquals": {{"{KEY_ID_CONDITION}": <the key ARN>}}}}.')
        for operator, key, values in tests:
            if key == KEY_ID_CONDITION and operator.lower().removesuffix("ifexists") in _POSITIVE:
                return (f"your condition uses {operator}, so the Deny applies to exactly the uploads under the key you "
                        "list, the course key; deny when the key differs: StringNotEquals.")
            if key == ALGORITHM_CONDITION and any(str(v).startswith("arn:") for v in values):
                return (f"your condition compares {ALGORITHM_CONDITION}, which holds the algorithm ('aws:kms' or 'AES256'), "
                        f"with {values[0]}, so it never matches and every upload is denied; the key's ARN is in "
                        f"{KEY_ID_CONDITION}.")
    return None


def _put(s3: Any, bucket: str, name: str, headers: dict[str, str], read_back: bool = False) -> tuple[str, str]:
    """Upload a probe object, then (with `read_back`) read it; the refusal codes of both ('' when S3 accepted)."""
    key = PROBE.format(name)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"probe from the lab 05 check", **headers)
    except ClientError as exc:
        return _code(exc), ""
    read = ""
    try:
        if read_back:
            s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        read = _code(exc)
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except ClientError:
        pass  # a policy that denies every action refuses this too; the read-back item says why
    return "", read


def check(course: Course, bucket: Any = NOT_SET) -> CheckResult:
    """Read the bucket's default encryption and policy, then make a compliant and two non-compliant uploads.

    The lab's check cell, `lab05.check(course)`, reads `bucket` from the notebook.
    """
    result = CheckResult("Lab 05")
    s3, kms = course.client("s3"), course.client("kms")
    alias = default_alias(course)
    bucket = answer(bucket, "bucket")
    if not require(result, bucket, "bucket", "run the setup cell", "bucket is one of your course buckets"):
        return result.finish()
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
               f"the bucket's default SSEAlgorithm is '{algorithm}'; set 'aws:kms' with put_bucket_encryption (Exercise 1).")
    if algorithm == "aws:kms":
        used = kms.describe_key(KeyId=configured)["KeyMetadata"]["Arn"] if configured else None
        hint = (f"KMSMasterKeyID is '{configured}', which is not the course key; use '{alias}' or {key_arn}." if configured
                else f"no KMSMasterKeyID is set, so S3 would use the AWS managed key aws/s3; set it to '{alias}'.")
        result.add("the default key is the course key", used == key_arn, hint)
    result.add("S3 Bucket Keys are enabled", rule.get("BucketKeyEnabled") is True,
               f"BucketKeyEnabled is {rule.get('BucketKeyEnabled')}; set it to True in the same rule, to cut KMS requests (Exercise 1).")
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except ClientError as exc:
        result.add("the bucket has a policy", False, f"get_bucket_policy says {_code(exc)}; attach one with put_bucket_policy (Exercise 2).")
        return result.finish()
    result.add("the bucket has a policy", True)

    refused, unreadable = _put(s3, bucket, "compliant", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_arn}, read_back=True)
    named = _policy_key_values(policy)
    hint = f"an upload with ServerSideEncryption='aws:kms' and SSEKMSKeyId={key_arn} was refused ({refused})"
    cause = why_compliant_refused(policy, bucket)
    if named and key_arn not in named:
        hint += f"; your policy compares the key id with {named}, but S3 compares it as sent: write the key ARN."
    elif cause:
        hint += f": {cause}"
    else:
        hint += "; the Deny must apply only when the key id differs from the course key ARN (StringNotEquals)."
    if result.add("a compliant upload (SSE-KMS with the course key ARN) is accepted", not refused, hint):
        actions = sorted({str(a) for st in _statements(policy) if st.get("Effect") == "Deny" for a in _list(st.get("Action"))})
        result.add("the compliant object can be read back", not unreadable,
                   f"S3 refused to read it back ({unreadable}): your Deny covers {actions}, and a GetObject sends no "
                   "encryption header, so a condition such as StringNotEquals on the key id is true for it (a negated "
                   "operator is true when the request lacks the key). Deny only s3:PutObject.")

    through = [what for what, headers in (
        ("SSE-S3 (ServerSideEncryption='AES256')", {"ServerSideEncryption": "AES256"}),
        ("SSE-KMS with the AWS managed key aws/s3", {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/aws/s3"}),
    ) if _put(s3, bucket, what.split()[0].lower(), headers)[0] == ""]
    cause = why_others_pass(policy, bucket, key_arn) or f"add a Deny on s3:PutObject when {KEY_ID_CONDITION} is not {key_arn}."
    result.add("uploads under any other key are refused", not through, f"S3 accepted an upload with {' and '.join(through)}: {cause}")
    return result.finish()
