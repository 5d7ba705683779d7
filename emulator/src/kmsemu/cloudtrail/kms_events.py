"""What a KMS event logs: the parameters AWS logs, the keys it names in `resources`, and its responseElements.

https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html
https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.cloudtrail.shapes import logged, operation_shapes
from kmsemu.kms import operations

CRYPTOGRAPHIC = frozenset({
    "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
})
"""The operations GetKeyLastUsage reports (KeyLastUsageTrackingOperation in the KMS model)."""

_READ_ONLY = CRYPTOGRAPHIC | {"GenerateRandom", "GetPublicKey", "GetParametersForImport"}

_DEFAULTS: dict[str, dict[str, Any]] = {
    "Encrypt": {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    "Decrypt": {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    "ReEncrypt": {"sourceEncryptionAlgorithm": "SYMMETRIC_DEFAULT", "destinationEncryptionAlgorithm": "SYMMETRIC_DEFAULT"},
    "CreateKey": {"description": "", "origin": "AWS_KMS", "bypassPolicyLockoutSafetyCheck": False,
                  "customerMasterKeySpec": "SYMMETRIC_DEFAULT", "keySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT"},
}
"""Parameters KMS logs even when the request left them out (Decrypt always logs its encryptionAlgorithm)."""

_ALIAS_OPERATIONS = frozenset({"CreateAlias", "UpdateAlias", "DeleteAlias"})


def read_only(operation: str) -> bool:
    """Whether CloudTrail marks the call readOnly (cryptographic operations and Describe/Get/List)."""
    return operation in _READ_ONLY or operation.startswith(("Describe", "Get", "List"))


def request_parameters(operation: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The parameters as KMS logs them: as given (key id as the caller wrote it), secrets left out, defaults added."""
    shape, _ = operation_shapes("kms", operation)
    found = logged(shape, body) if shape is not None else {}
    if operation == "CreateKey" and "keySpec" in found:
        found.setdefault("customerMasterKeySpec", found["keySpec"])
    for name, value in _DEFAULTS.get(operation, {}).items():
        found.setdefault(name, value)
    return found or None


def keys(account: str, region: str, operation: str, body: dict[str, Any], answer: dict[str, Any] | None,
         hint: str | None = None) -> list[Any]:
    """moto's keys the call acted on: from the answer when it succeeded, else from the request (or its ciphertext)."""
    refs: list[Any] = [hint]
    if answer is not None:
        refs += [answer.get("SourceKeyId"), (answer.get("KeyMetadata") or {}).get("Arn"), answer.get("KeyId")]
    if not any(refs):
        blob_key = operations.ciphertext_key_id(body.get("CiphertextBlob")) if isinstance(body.get("CiphertextBlob"), str) else None
        if operation == "ReEncrypt":
            refs += [blob_key or body.get("SourceKeyId"), body.get("DestinationKeyId")]
        elif operation in _ALIAS_OPERATIONS:
            refs += [body.get("AliasName") if operation != "CreateAlias" else None, body.get("TargetKeyId")]
        else:
            refs.append(blob_key or body.get("KeyId"))
    found: list[Any] = []
    for ref in refs:
        key = operations.find_key(account, region, ref) if isinstance(ref, str) else None
        if key is not None and all(key is not k for k in found):
            found.append(key)
    return found


def resources(account: str, region: str, operation: str, body: dict[str, Any], found: list[Any]) -> list[dict[str, str]]:
    """The `resources` element: the alias acted on (alias calls), then each key's ARN."""
    listed = []
    alias = body.get("AliasName")
    if operation in _ALIAS_OPERATIONS and isinstance(alias, str):
        listed.append({"accountId": account, "type": "AWS::KMS::Alias", "ARN": f"arn:aws:kms:{region}:{account}:{alias}"})
    listed += [{"accountId": str(k.account_id), "type": "AWS::KMS::Key", "ARN": str(k.arn)} for k in found]
    return listed


def response_elements(operation: str, answer: dict[str, Any] | None, found: list[Any]) -> dict[str, Any] | None:
    """responseElements: null for reads and cryptographic calls; the key ARN for alias calls; else the answer."""
    if answer is None or read_only(operation):
        return None
    if operation in _ALIAS_OPERATIONS:
        return {"keyId": str(found[-1].arn)} if found else None
    _, shape = operation_shapes("kms", operation)
    elements = logged(shape, answer) if shape is not None else {}
    if operation == "CreateGrant" and found:
        elements["keyId"] = str(found[0].arn)
    return elements or None
