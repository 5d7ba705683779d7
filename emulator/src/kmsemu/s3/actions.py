"""S3's REST requests as IAM actions on bucket and object ARNs, for authorisation.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
"""
from __future__ import annotations

import re

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
    ("PUT", "accelerate"): "PutAccelerateConfiguration",
    ("GET", "requestPayment"): "GetBucketRequestPayment", ("PUT", "requestPayment"): "PutBucketRequestPayment",
    ("GET", "replication"): "GetReplicationConfiguration", ("PUT", "replication"): "PutReplicationConfiguration",
    ("DELETE", "replication"): "PutReplicationConfiguration",
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


_PLAIN = {
    # Query parameters a request without a sub-resource may carry; any other one names an S3 feature this table
    # does not know, which must not be authorised as the plain request (PUT ?accelerate is not CreateBucket).
    ("GET", False): {"list-type", "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after",
                     "encoding-type", "fetch-owner", "x-id", "expected-bucket-owner"},
    ("HEAD", False): {"x-id"}, ("PUT", False): {"x-id"}, ("DELETE", False): {"x-id"},
    ("GET", True): {"versionId", "partNumber", "x-id", "response-cache-control", "response-content-disposition",
                    "response-content-encoding", "response-content-language", "response-content-type", "response-expires"},
    ("HEAD", True): {"versionId", "partNumber", "x-id"}, ("PUT", True): {"x-id"}, ("DELETE", True): {"versionId", "x-id"},
}
_VERSIONED = {"GetObject": "GetObjectVersion", "DeleteObject": "DeleteObjectVersion"}
"""A request naming a versionId needs the version's own permission (s3:GetObjectVersion, s3:DeleteObjectVersion)."""
_PATH_STYLE_ONLY = ("kmsemu serves S3 path-style requests only (http://host:port/bucket/key), and this Host header names a "
                    "bucket: use path-style addressing (boto3: Config(s3={'addressing_style': 'path'}); JavaScript: "
                    "forcePathStyle: true).")


def virtual_hosted(host: str) -> bool:
    """Whether a Host header names a bucket, as S3's virtual-hosted style does (`bucket.localhost`, `bucket.s3.amazonaws.com`)."""
    name = re.sub(r":\d+$", "", host.strip().lower())
    if not name or name.startswith("[") or "." not in name or re.fullmatch(r"[\d.]+", name):
        return False
    rest = name.split(".", 1)[1]
    return rest == "localhost" or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", rest) is not None or \
        re.fullmatch(r"s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?", rest) is not None


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
    if virtual_hosted(str(request.environ.get("HTTP_HOST", ""))):
        raise AwsError("InvalidRequest", _PATH_STYLE_ONLY, 400)
    table = _OBJECT if key else _BUCKET
    subresource = _subresource(request, table, method)
    if not subresource:
        signing = {name for name in request.query if name.lower().startswith("x-amz-")}  # a presigned URL's own
        unknown = sorted(set(request.query) - signing - _PLAIN.get((method, bool(key)), set()))
        if unknown:
            raise AwsError("NotImplemented", f"kmsemu does not serve this S3 request (?{unknown[0]}): it cannot "
                           "authorise it as AWS would, so it refuses it.", 501)
    operation = table.get((method, subresource))
    if operation is None:
        raise AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    if not subresource and "versionId" in request.query:
        return _VERSIONED.get(operation, operation)
    return operation


def resource(request: Request) -> str:
    """The ARN the action is on: `*`, the bucket, or the object."""
    bucket, key = target(request)
    if not bucket:
        return "*"
    return f"arn:aws:s3:::{bucket}" + (f"/{key}" if key else "")
