"""KMS calls S3 makes for its caller (SSE-KMS), authorised as that caller with kms:ViaService set.

Each is a CloudTrail event of the caller, invoked by s3.amazonaws.com, with the aws:s3:arn encryption context.
https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
"""
from __future__ import annotations

from kmsemu.cloudtrail.recorder import on_behalf
from kmsemu.http import Request
from kmsemu.kms import gate

S3_SERVICE = "s3.amazonaws.com"


def authorize(request: Request, key_arn: str, action: str, encryption_context: dict[str, str]) -> str | None:
    """None when the S3 caller may have S3 use the key, else KMS's denial message."""
    caller = request.caller
    if caller is None:
        return "Access Denied"  # an anonymous request cannot use a KMS key
    region = key_arn.split(":")[3]
    operation = action.split(":", 1)[1]
    body = {"KeyId": key_arn, "EncryptionContext": encryption_context}
    refusal = gate.authorize(caller, operation, body, region, via_service=f"s3.{region}.amazonaws.com")
    logged = {**body, "KeySpec": "AES_256"} if operation == "GenerateDataKey" else {"EncryptionContext": encryption_context}
    on_behalf(S3_SERVICE, caller, operation, region, logged, (refusal.code, refusal.message) if refusal else None, key_arn)
    return refusal.message if refusal else None
