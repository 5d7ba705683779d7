"""KMS calls S3 makes for its caller (SSE-KMS), authorised as that caller with kms:ViaService set.

https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
"""
from __future__ import annotations

from typing import Any

from kmsemu.kms import gate

from kmsemu.iam import principals

from kmsemu.auth import sigv4


def authorize(environ: dict[str, Any], key_arn: str, action: str, encryption_context: dict[str, str]) -> str | None:
    """The hook emulator/s3_sse.py calls: None when the S3 caller may have S3 use the key, else KMS's denial message."""
    sig = sigv4.parse(environ)
    caller = principals.lookup(sig.access_key_id) if sig else None
    if caller is None:
        return "Access Denied"  # an anonymous request cannot use a KMS key
    region = key_arn.split(":")[3]
    body = {"KeyId": key_arn, "EncryptionContext": encryption_context}
    refusal = gate.authorize(caller, action.split(":", 1)[1], body, region, via_service=f"s3.{region}.amazonaws.com")
    return refusal.message if refusal else None


def install() -> None:
    """Point emulator/s3_sse.py's authorizer hook at this module (skipped while that module is absent)."""
    try:
        from kmsemu.s3 import sse as s3_sse
    except ImportError:
        return
    s3_sse.authorize_kms_for_s3 = authorize
