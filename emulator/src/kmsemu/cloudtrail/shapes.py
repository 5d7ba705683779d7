"""Request and response bodies as CloudTrail writes them: member names in lowerCamelCase, secrets left out.

Structure members are renamed by botocore's model of the service (maps keep their keys, such as an encryption
context's), timestamps are written as CloudTrail writes KMS's dates ("Aug 10, 2022, 10:38:27 PM").
https://docs.aws.amazon.com/kms/latest/developerguide/ct-createkey.html
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

OMITTED = frozenset({
    "Plaintext", "CiphertextBlob", "CiphertextForRecipient", "Signature", "Mac", "Message", "PublicKey",
    "PrivateKeyPlaintext", "PrivateKeyCiphertextBlob", "EncryptedKeyMaterial", "ImportToken", "KeyMaterial",
    "SharedSecret", "Recipient", "GrantToken", "SecretAccessKey", "SessionToken", "Password", "NewPassword",
    "OldPassword", "CloudTrailEvent",
})
"""Members never logged: plaintext, ciphertext, data keys, MACs, signatures, key material and credentials."""

_KEPT_NAMES = {"AWSAccountId": "AWSAccountId"}


def camel(name: str) -> str:
    """`KeyId` as CloudTrail writes it: `keyId` (AWSAccountId stays as it is)."""
    return _KEPT_NAMES.get(name) or (name[:1].lower() + name[1:])


@cache
def operation_shapes(service: str, operation: str) -> tuple[Any, Any]:
    """botocore's (input shape, output shape) of an operation, or (None, None) when the model lacks it."""
    from kmsemu.sessions import botocore_session

    try:
        model = botocore_session().get_service_model(service).operation_model(operation)
    except Exception:  # an operation botocore does not know: log nothing of its body
        return None, None
    return model.input_shape, model.output_shape


def kms_date(value: Any) -> Any:
    """An epoch timestamp in the form CloudTrail logs KMS dates: `Aug 10, 2022, 10:38:27 PM`."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    when = dt.datetime.fromtimestamp(value, dt.UTC)
    return f"{when:%b} {when.day}, {when.year}, {when.hour % 12 or 12}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}"


def logged(shape: Any, value: Any) -> Any:
    """`value` (a parsed JSON body or part of one) renamed and filtered as CloudTrail logs it."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {camel(name): logged(members.get(name), item) for name, item in value.items()
                if name not in OMITTED and name in members and item is not None}
    if kind == "list" and isinstance(value, list):
        return [logged(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: logged(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return kms_date(value)
    return value
