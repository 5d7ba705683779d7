"""S3 server-side encryption with KMS: S3 calls KMS on the caller's behalf, so KMS's answers reach S3 callers.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html

S3's use of the key is authorised as the caller, with kms:ViaService=s3.<region>.amazonaws.com (kmsemu.s3.via_s3).
"""
from __future__ import annotations

import copy
import logging
from collections.abc import Iterable
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.http import Request, StartResponse, WSGIApp
from kmsemu.kms.identifiers import not_found_message, resolve
from kmsemu.kms.state import refusal
from kmsemu.s3 import via_s3
from kmsemu.s3.bucket_names import check_bucket_name

log = logging.getLogger(__name__)


SSE_S3_DEFAULT = {"Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}}
_OBJECT_SUBRESOURCES = ("acl", "tagging", "uploadId", "partNumber", "retention", "legal-hold", "attributes", "torrent")
_KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
DEFAULT_KMS_KEY = "alias/aws/s3"


def _bucket(name: str) -> Any:
    """moto's bucket of that name, in whichever account owns it, or None."""
    from moto.s3.models import s3_backends

    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def ensure_default_encryption(bucket: Any) -> None:
    """Since January 2023 every bucket has SSE-S3 default encryption, also after DeleteBucketEncryption."""
    if not bucket.encryption:
        bucket.encryption = copy.deepcopy(SSE_S3_DEFAULT)


def _context(bucket: Any, key_name: str, bucket_key: bool) -> dict[str, str]:
    """The encryption context S3 passes to KMS: the object ARN, or the bucket ARN with an S3 Bucket Key."""
    return {"aws:s3:arn": f"arn:aws:s3:::{bucket.name}" + ("" if bucket_key else f"/{key_name}")}


def _use_key(request: Request, bucket: Any, identifier: str, action: str, context: dict[str, str]) -> str:
    """S3 asking KMS to use a key for the caller: the key ARN, or the error AWS S3 returns."""
    from moto.kms.models import kms_backends

    backend = kms_backends[bucket.account_id][bucket.region_name]
    key = resolve(backend, identifier)
    if key is None:
        raise AwsError("KMS.NotFoundException", not_found_message(backend, identifier), 400)
    operation = "GenerateDataKey" if action == "kms:GenerateDataKey" else "Decrypt"
    found = refusal(key, operation)
    if found:
        raise AwsError("KMS." + found[0], found[1], 400)
    denial = via_s3.authorize(request, key.arn, action, context)
    if denial:
        raise AwsError("AccessDenied", denial, 403)
    return str(key.arn)


def _check_write(request: Request, bucket: Any, key_name: str) -> None:
    """PutObject, CopyObject, CreateMultipartUpload: the KMS key S3 encrypts with (the bucket policy was judged before)."""
    sse, kms_id = request.header("x-amz-server-side-encryption"), request.header("x-amz-server-side-encryption-aws-kms-key-id")
    bucket_key = request.header("x-amz-server-side-encryption-bucket-key-enabled")
    if sse is None:
        default = bucket.encryption["Rule"]["ApplyServerSideEncryptionByDefault"]
        sse, kms_id = default.get("SSEAlgorithm"), default.get("KMSMasterKeyID")
        bucket_key = bucket_key or str(bucket.encryption["Rule"].get("BucketKeyEnabled", False))
    if sse in _KMS_ALGORITHMS:
        context = _context(bucket, key_name, str(bucket_key).lower() == "true")
        key_arn = _use_key(request, bucket, kms_id or DEFAULT_KMS_KEY, "kms:GenerateDataKey", context)
        request.set_header("x-amz-server-side-encryption", sse)
        request.set_header("x-amz-server-side-encryption-aws-kms-key-id", key_arn)  # S3 reports the key ARN
    elif sse:
        request.set_header("x-amz-server-side-encryption", sse)


def _stored_object(bucket: Any, key_name: str, version_id: str | None) -> Any:
    if version_id is None:
        return bucket.keys.get(key_name)
    return next((k for k in bucket.keys.getlist(key_name, []) if str(getattr(k, "version_id", "")) == version_id), None)


def _check_read(request: Request, bucket: Any, key_name: str, version_id: str | None) -> None:
    """GetObject (and a copy's source): an SSE-KMS object needs its key usable for kms:Decrypt."""
    stored = _stored_object(bucket, key_name, version_id)
    if stored is None or getattr(stored, "encryption", None) not in _KMS_ALGORITHMS:
        return
    context = _context(bucket, key_name, str(getattr(stored, "bucket_key_enabled", None)).lower() == "true")
    _use_key(request, bucket, stored.kms_key_id or DEFAULT_KMS_KEY, "kms:Decrypt", context)


def _copy_source(request: Request) -> tuple[str, str, str | None] | None:
    """CopyObject's source as (bucket, key, version id), or None for other requests."""
    from urllib.parse import unquote

    source = request.header("x-amz-copy-source")
    if not source:
        return None
    path, _, query = unquote(source).lstrip("/").partition("?versionId=")
    bucket, _, key = path.partition("/")
    return bucket, key, query or None


def _check(request: Request) -> None:
    """Apply S3's KMS semantics to one S3 request, raising AwsError when AWS would refuse it."""
    path = request.environ.get("PATH_INFO", "").lstrip("/")
    bucket_name, _, key_name = path.partition("/")
    bucket = _bucket(bucket_name) if bucket_name else None
    if bucket is None:
        return
    ensure_default_encryption(bucket)
    method, query = request.environ.get("REQUEST_METHOD", ""), request.query
    if not key_name or any(sub in query for sub in _OBJECT_SUBRESOURCES):
        return
    if method == "PUT" or (method == "POST" and "uploads" in query):
        source = _copy_source(request) if method == "PUT" else None
        if source and _bucket(source[0]) is not None:
            _check_read(request, _bucket(source[0]), source[1], source[2])
        _check_write(request, bucket, key_name)
    elif method == "GET":
        _check_read(request, bucket, key_name, query.get("versionId", [None])[0])


def s3_sse_kms(app: WSGIApp) -> WSGIApp:
    """Middleware: S3 bucket names checked on CreateBucket; S3 requests use KMS as AWS S3 does (key checks, SSE headers)."""
    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.of(environ)
        if request.service == "s3":
            try:
                if request.operation == "CreateBucket":
                    check_bucket_name(request.environ.get("PATH_INFO", "").strip("/"))
                _check(request)
            except AwsError as refused:
                return refused.send(start_response, "s3")
            except Exception:  # an unexpected request shape: let moto answer it as it would without this layer
                log.debug("S3 SSE-KMS check failed", exc_info=True)
        return app(environ, start_response)

    return middleware
