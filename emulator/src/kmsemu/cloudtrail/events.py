"""One CloudTrail management event, in AWS's record format, for any call the emulator serves.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from kmsemu import clock
from kmsemu.cloudtrail import kms_events
from kmsemu.cloudtrail.identity import ISO, user_identity
from kmsemu.cloudtrail.shapes import camel, logged, operation_shapes
from kmsemu.iam.principals import Caller

EVENT_VERSION = "1.11"
GLOBAL_REGION = {"iam": "us-east-1"}
"""IAM is a global service: CloudTrail records its events in US East (N. Virginia)."""

_S3_NAMES = {
    "ListAllMyBuckets": "ListBuckets", "GetEncryptionConfiguration": "GetBucketEncryption",
    "PutEncryptionConfiguration": "PutBucketEncryption", "ListBucket": "HeadBucket",
    "GetLifecycleConfiguration": "GetBucketLifecycle", "PutLifecycleConfiguration": "PutBucketLifecycle",
}
_S3_DELETES = {"PutEncryptionConfiguration": "DeleteBucketEncryption", "PutBucketTagging": "DeleteBucketTagging",
               "PutBucketPublicAccessBlock": "DeletePublicAccessBlock", "PutBucketOwnershipControls": "DeleteBucketOwnershipControls",
               "PutLifecycleConfiguration": "DeleteBucketLifecycle", "PutBucketCORS": "DeleteBucketCors"}

_SECRET_FORM = frozenset({"Password", "NewPassword", "OldPassword"})


@dataclass
class Call:
    """What one API call was: who, which operation, its parameters and its answer (or error)."""

    caller: Caller
    access_key_id: str
    service: str
    operation: str
    region: str
    body: dict[str, Any] = field(default_factory=dict)
    """The request parameters as sent (JSON protocols) or the form (query protocols)."""
    answer: dict[str, Any] | None = None
    """The parsed JSON answer when the call succeeded (JSON protocols), else None."""
    error_code: str | None = None
    error_message: str | None = None
    source_ip: str = "127.0.0.1"
    user_agent: str = ""
    invoked_by: str | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    key_hint: str | None = None
    """The key a service's call used, when neither the logged parameters nor the answer name it (S3's Decrypt)."""


def s3_event_name(operation: str, method: str, bucket: str, key: str) -> str | None:
    """The S3 API name CloudTrail logs for a bucket-level call; None for data events (objects, listings)."""
    if key or operation in ("GetObject", "PutObject", "DeleteObject") or (operation == "ListBucket" and method == "GET"):
        return None  # object-level calls and ListObjects are data events, which LookupEvents never returns
    if method == "DELETE" and operation in _S3_DELETES:
        return _S3_DELETES[operation]
    return _S3_NAMES.get(operation, operation)


def _read_only(service: str, operation: str) -> bool:
    if service == "kms":
        return kms_events.read_only(operation)
    return operation.startswith(("Describe", "Get", "List", "Lookup", "Head"))


def _generic_parameters(call: Call) -> dict[str, Any] | None:
    """Parameters of a non-KMS call: JSON bodies by the model, query forms by name, secrets left out."""
    if call.service == "cloudtrail":
        shape, _ = operation_shapes(call.service, call.operation)
        return logged(shape, call.body) or None
    found = {camel(k): v for k, v in call.body.items()
             if k not in ("Action", "Version") and k.split(".")[0] not in _SECRET_FORM}
    return found or None


def build(call: Call, moment: Any = None) -> tuple[dict[str, Any], list[Any]]:
    """The event record for a call, and moto's KMS keys it used (for GetKeyLastUsage)."""
    account = call.caller.account
    keys: list[Any] = []
    resources: list[dict[str, str]] = []
    elements: dict[str, Any] | None = None
    if call.service == "kms":
        keys = kms_events.keys(account, call.region, call.operation, call.body, call.answer, call.key_hint)
        parameters = kms_events.request_parameters(call.operation, call.body)
        resources = kms_events.resources(account, call.region, call.operation, call.body, keys)
        elements = kms_events.response_elements(call.operation, call.answer, keys)
    else:
        parameters = _generic_parameters(call)
    when = moment or clock.now()
    event: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": user_identity(call.caller, call.access_key_id, call.invoked_by),
        "eventTime": when.strftime(ISO),
        "eventSource": f"{call.service}.amazonaws.com",
        "eventName": call.operation,
        "awsRegion": GLOBAL_REGION.get(call.service, call.region),
        "sourceIPAddress": call.invoked_by or call.source_ip,
        "userAgent": call.invoked_by or call.user_agent,
    }
    if call.error_code is not None:
        event["errorCode"] = call.error_code
        event["errorMessage"] = call.error_message or ""
    event.update({
        "requestParameters": parameters,
        "responseElements": elements if call.error_code is None else None,
        "requestID": call.request_id,
        "eventID": str(uuid.uuid4()),
        "readOnly": _read_only(call.service, call.operation),
    })
    if resources:
        event["resources"] = resources
    event.update({"eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
                  "eventCategory": "Management"})
    return event, keys
