"""KMS calls S3 makes for its caller (SSE-KMS), authorised as that caller with kms:ViaService set.

https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
"""
from __future__ import annotations

from kmsemu.http import Request
from kmsemu.kms import gate


def authorize(request: Request, key_arn: str, action: str, encryption_context: dict[str, str]) -> str | None:
    """None when the S3 caller may have S3 use the key, else KMS's denial message."""
    caller = request.caller
    if caller is None:
        return "Access Denied"  # an anonymous request cannot use a KMS key
    region = key_arn.split(":")[3]
    body = {"KeyId": key_arn, "EncryptionContext": encryption_context}
    refusal = gate.authorize(caller, action.split(":", 1)[1], body, region, via_service=f"s3.{region}.amazonaws.com")
    return refusal.message if refusal else None
