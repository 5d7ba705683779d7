"""S3's REST requests as IAM actions on bucket and object ARNs, for authorisation.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
"""
from __future__ import annotations

from kmsemu.errors import AwsError
from kmsemu.http import Request

_BUCKET = {  # (method, sub-resource) -> action; "" is the plain request
    ("GET", "policy"): "GetBucketPolicy", ("PUT", "policy"): "PutBucketPolicy", ("DELETE", "policy"): "DeleteBucketPolicy",
    ("GET", "encryption"): "GetEncryptionConfiguration", ("PUT", "encryption"): "PutEncryptionConfiguration",
    ("DELETE", "encryption"): "PutEncryptionConfiguration",
    ("GET", "versioning"): "GetBucketVersioning", ("PUT", "versioning"): "PutBucketVersioning",
    ("GET", "tagging"): "GetBucketTagging", ("PUT", "tagging"): "PutBucketTagging", ("DELETE", "tagging"): "PutBucketTagging",
    ("GET", "acl"): "GetBucketAcl", ("PUT", "acl"): "PutBucketAcl",
    ("GET", "location"): "GetBucketLocation", ("GET", "versions"): "ListBucketVersions",
    ("GET", "uploads"): "ListBucketMultipartUploads",
    ("GET", "ownershipControls"): "GetBucketOwnershipControls", ("PUT", "ownershipControls"): "PutBucketOwnershipControls",
    ("DELETE", "ownershipControls"): "PutBucketOwnershipControls",
    ("GET", "publicAccessBlock"): "GetBucketPublicAccessBlock", ("PUT", "publicAccessBlock"): "PutBucketPublicAccessBlock",
    ("DELETE", "publicAccessBlock"): "PutBucketPublicAccessBlock",
    ("GET", "object-lock"): "GetBucketObjectLockConfiguration", ("PUT", "object-lock"): "PutBucketObjectLockConfiguration",
    ("GET", "lifecycle"): "GetLifecycleConfiguration", ("PUT", "lifecycle"): "PutLifecycleConfiguration",
    ("DELETE", "lifecycle"): "PutLifecycleConfiguration",
    ("GET", "cors"): "GetBucketCORS", ("PUT", "cors"): "PutBucketCORS", ("DELETE", "cors"): "PutBucketCORS",
    ("GET", "notification"): "GetBucketNotification", ("PUT", "notification"): "PutBucketNotification",
    ("GET", "logging"): "GetBucketLogging", ("PUT", "logging"): "PutBucketLogging",
    ("GET", "website"): "GetBucketWebsite", ("PUT", "website"): "PutBucketWebsite", ("DELETE", "website"): "DeleteBucketWebsite",
    ("GET", "policyStatus"): "GetBucketPolicyStatus", ("GET", "accelerate"): "GetAccelerateConfiguration",
    ("GET", "requestPayment"): "GetBucketRequestPayment", ("GET", "replication"): "GetReplicationConfiguration",
    ("POST", "delete"): "DeleteObject",
    ("GET", ""): "ListBucket", ("HEAD", ""): "ListBucket", ("PUT", ""): "CreateBucket", ("DELETE", ""): "DeleteBucket",
}
_OBJECT = {
    ("GET", "tagging"): "GetObjectTagging", ("PUT", "tagging"): "PutObjectTagging", ("DELETE", "tagging"): "DeleteObjectTagging",
    ("GET", "acl"): "GetObjectAcl", ("PUT", "acl"): "PutObjectAcl", ("GET", "attributes"): "GetObjectAttributes",
    ("GET", "retention"): "GetObjectRetention", ("PUT", "retention"): "PutObjectRetention",
    ("GET", "legal-hold"): "GetObjectLegalHold", ("PUT", "legal-hold"): "PutObjectLegalHold",
    ("GET", "uploadId"): "ListMultipartUploadParts", ("DELETE", "uploadId"): "AbortMultipartUpload",
    ("POST", "uploads"): "PutObject", ("POST", "uploadId"): "PutObject", ("PUT", "uploadId"): "PutObject",
    ("POST", "restore"): "RestoreObject",
    ("GET", ""): "GetObject", ("HEAD", ""): "GetObject", ("PUT", ""): "PutObject", ("DELETE", ""): "DeleteObject",
}


def target(request: Request) -> tuple[str, str]:
    """(bucket, key) of a path-style S3 request; either may be empty."""
    bucket, _, key = request.environ.get("PATH_INFO", "").lstrip("/").partition("/")
    return bucket, key


def _subresource(request: Request, table: dict[tuple[str, str], str], method: str) -> str:
    for name in request.query:
        if (method, name) in table:
            return name
    return ""


def s3_operation(request: Request) -> str:
    """The IAM action name (without `s3:`) an S3 request needs, or MethodNotAllowed as S3 answers."""
    method = request.environ.get("REQUEST_METHOD", "GET").upper()
    bucket, key = target(request)
    if not bucket:
        if method in ("GET", "HEAD"):
            return "ListAllMyBuckets"
        raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    table = _OBJECT if key else _BUCKET
    if method == "GET" and not key and request.query.get("list-type") == ["2"]:
        return "ListBucket"
    operation = table.get((method, _subresource(request, table, method)))
    if operation is None:
        raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    return operation


def resource(request: Request) -> str:
    """The ARN the action is on: `*`, the bucket, or the object."""
    bucket, key = target(request)
    if not bucket:
        return "*"
    return f"arn:aws:s3:::{bucket}" + (f"/{key}" if key else "")
