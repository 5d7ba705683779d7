"""Lab 05's check: it reads the bucket's settings and uploads for real; each common mistake gets its own hint."""
from __future__ import annotations

import json

import pytest

from kmscourse import buckets, envelope
from kmscourse.checks import lab05


def _default(course, bucket, key_id="alias/kmscourse-learner-key", bucket_key=True, algorithm="aws:kms"):
    default = {"SSEAlgorithm": algorithm}
    if key_id:
        default["KMSMasterKeyID"] = key_id
    course.client("s3").put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]})


def _policy(course, bucket, condition, **changes):
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*",
                 "Condition": condition, **changes}
    course.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {k: v for k, v in statement.items() if v is not None}]}))


READ_BACK = ("S3 refused to read it back (AccessDenied): your Deny covers {}, and a GetObject sends no encryption header, "
             "so a condition such as StringNotEquals on the key id is true for it (a negated operator is true when the "
             "request lacks the key). Deny only s3:PutObject.")


def _deny_other_keys(value):
    return {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": value}}


@pytest.fixture
def bucket(course, key, request):
    name = buckets.ensure_bucket(course, f"t05-{request.node.name[5:20].replace('_', '-')}")
    yield name
    buckets.delete_bucket(course, name.removeprefix(course.prefix).rsplit("-", 1)[0])


def test_right_answer_passes_and_leaves_no_probe_behind(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, _deny_other_keys(key.key_arn))
    result = lab05.check(course, bucket)
    assert result.passed, str(result)
    assert len(result.items) == 8
    assert "Contents" not in course.client("s3").list_objects_v2(Bucket=bucket)


def test_a_new_bucket_fails_with_one_hint_per_missing_setting(course, key, bucket) -> None:
    assert lab05.check(course, bucket).hints() == [
        "the bucket's default SSEAlgorithm is 'AES256'; set 'aws:kms' with put_bucket_encryption (Exercise 1).",
        "BucketKeyEnabled is False; set it to True in the same rule, to cut KMS requests (Exercise 1).",
        "get_bucket_policy says NoSuchBucketPolicy; attach one with put_bucket_policy (Exercise 2).",
    ]


def test_wrong_key_alias_in_default_encryption(course, key, bucket) -> None:
    envelope.ensure_other_key(course)
    other = f"alias/{course.name('other')}"
    _default(course, bucket, key_id=other)
    _policy(course, bucket, _deny_other_keys(key.key_arn))
    assert lab05.check(course, bucket).hints() == [
        f"KMSMasterKeyID is '{other}', which is not the course key; use '{key.alias}' or {key.key_arn}."
    ]


def test_default_without_a_key_means_aws_s3(course, key, bucket) -> None:
    _default(course, bucket, key_id=None, bucket_key=False)
    _policy(course, bucket, _deny_other_keys(key.key_arn))
    assert lab05.check(course, bucket).hints() == [
        f"no KMSMasterKeyID is set, so S3 would use the AWS managed key aws/s3; set it to '{key.alias}'.",
        "BucketKeyEnabled is False; set it to True in the same rule, to cut KMS requests (Exercise 1).",
    ]


def test_policy_naming_the_alias_refuses_even_the_course_key(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, _deny_other_keys(key.alias))
    assert lab05.check(course, bucket).hints() == [
        f"an upload with ServerSideEncryption='aws:kms' and SSEKMSKeyId={key.key_arn} was refused (AccessDenied); "
        f"your policy compares the key id with ['{key.alias}'], but S3 compares it as sent: write the key ARN."
    ]


def test_policy_that_only_requires_sse_kms_lets_aws_s3_through(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}})
    assert lab05.check(course, bucket).hints() == [
        "S3 accepted an upload with SSE-KMS with the AWS managed key aws/s3: your condition tests only "
        "s3:x-amz-server-side-encryption, the algorithm, so an upload under any KMS key (aws/s3 too) passes; compare "
        f"s3:x-amz-server-side-encryption-aws-kms-key-id with {key.key_arn}."
    ]


def test_bucket_that_is_not_a_course_bucket(course, key) -> None:
    assert lab05.check(course, {"Bucket": "x"}).hints() == [
        "bucket is {'Bucket': 'x'}; use the name buckets.ensure_bucket(course, ...) returned (it starts with kmscourse-learner-)."
    ]


def test_missing_course_key_is_a_hint(course, monkeypatch) -> None:
    from kmscourse.checks import common

    monkeypatch.setattr(common, "default_alias", lambda c: "alias/kmscourse-nobody-key")
    assert lab05.check(course, "kmscourse-learner-x").hints() == [
        "there is no alias/kmscourse-nobody-key; run key = kmscourse.prereqs.ensure_course_key(course)."
    ]


SSE_S3_AND_AWS_S3 = "S3 accepted an upload with SSE-S3 (ServerSideEncryption='AES256') and SSE-KMS with the AWS managed key aws/s3: "


def test_deny_on_the_bucket_arn_instead_of_its_objects(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, _deny_other_keys(key.key_arn), Resource=f"arn:aws:s3:::{bucket}")
    assert lab05.check(course, bucket).hints() == [
        SSE_S3_AND_AWS_S3 + f"your Deny's Resource is arn:aws:s3:::{bucket}, which names no object of {bucket}; an upload "
        f"acts on an object, so name arn:aws:s3:::{bucket}/* (the bucket's own ARN covers no object)."
    ]


def test_allow_instead_of_deny(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, {"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key.key_arn}}, Effect="Allow")
    assert lab05.check(course, bucket).hints() == [
        SSE_S3_AND_AWS_S3 + "your policy has no Deny statement (its effects: Allow); an Allow in a bucket policy only "
        'grants, it never refuses, so write "Effect": "Deny".'
    ]


def test_deny_that_names_another_action(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, _deny_other_keys(key.key_arn), Action="s3:GetObject")
    assert lab05.check(course, bucket).hints() == [
        READ_BACK.format(["s3:GetObject"]),
        SSE_S3_AND_AWS_S3 + "your Deny covers s3:GetObject, not s3:PutObject, the action of an upload.",
    ]


def test_deny_on_every_s3_action_locks_out_reads(course, key, bucket) -> None:
    """Deny s3:* unless the key id is the course key: uploads behave, but every GetObject is refused too (no false pass)."""
    _default(course, bucket)
    _policy(course, bucket, _deny_other_keys(key.key_arn), Action="s3:*")
    try:
        result = lab05.check(course, bucket)
    finally:
        course.client("s3").delete_bucket_policy(Bucket=bucket)
    assert [i.name for i in result.failures] == ["the compliant object can be read back"]
    assert result.hints() == [READ_BACK.format(["s3:*"])]


def test_string_equals_denies_the_course_key_itself(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, {"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": key.key_arn}})
    hints = lab05.check(course, bucket).hints()
    assert hints[0] == (
        f"an upload with ServerSideEncryption='aws:kms' and SSEKMSKeyId={key.key_arn} was refused (AccessDenied): your "
        "condition uses StringEquals, so the Deny applies to exactly the uploads under the key you list, the course "
        "key; deny when the key differs: StringNotEquals."
    )


def test_key_arn_compared_with_the_algorithm_header(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, {"StringNotEquals": {"s3:x-amz-server-side-encryption": key.key_arn}})
    hints = lab05.check(course, bucket).hints()
    assert hints == [
        f"an upload with ServerSideEncryption='aws:kms' and SSEKMSKeyId={key.key_arn} was refused (AccessDenied): your "
        "condition compares s3:x-amz-server-side-encryption, which holds the algorithm ('aws:kms' or 'AES256'), with "
        f"{key.key_arn}, so it never matches and every upload is denied; the key's ARN is in "
        "s3:x-amz-server-side-encryption-aws-kms-key-id."
    ]


def test_null_exemption_lets_sse_s3_through(course, key, bucket) -> None:
    _default(course, bucket)
    _policy(course, bucket, {**_deny_other_keys(key.key_arn), "Null": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"}})
    assert lab05.check(course, bucket).hints() == [
        "S3 accepted an upload with SSE-S3 (ServerSideEncryption='AES256'): your Null condition on "
        "s3:x-amz-server-side-encryption-aws-kms-key-id exempts every upload that names no KMS key, so an SSE-S3 upload "
        "(AES256) passes; add a second Deny for when s3:x-amz-server-side-encryption is not aws:kms."
    ]


def test_nothing_defined_yet_names_the_setup_cell(course, key) -> None:
    assert lab05.check(course).hints() == ["bucket is not defined yet: run the setup cell first (its cell defines bucket)."]
