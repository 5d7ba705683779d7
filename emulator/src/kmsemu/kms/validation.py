"""Check a KMS request body against the operation's input shape, as AWS does before it reads anything.

The shapes come from botocore's KMS service model, so they are the same ones the real service publishes.
Wrong JSON types give SerializationException; missing, too short, too long or out-of-enum values give
ValidationException with AWS's "1 validation error detected" wording.
"""
from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from botocore.model import OperationNotFoundError, Shape

from kmsemu.errors import AwsError


@lru_cache(maxsize=1)
def _model() -> Any:
    from kmsemu.sessions import botocore_session

    return botocore_session().get_service_model("kms")


def input_shape(operation: str) -> Shape | None:
    """The input shape of a KMS operation, or None when KMS has no such operation."""
    try:
        return _model().operation_model(operation).input_shape
    except OperationNotFoundError:
        return None


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object a KMS request carries, or SerializationException."""
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.") from None
    if not isinstance(value, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.")
    return value


# Members the API reference calls required although the model marks them optional.
DOCUMENTED_REQUIRED = {"GenerateRandom": ("NumberOfBytes",)}


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise AwsError as AWS would for this operation's parameters; return when they are acceptable."""
    shape = input_shape(operation)
    if shape is None:
        raise AwsError("UnknownOperationException", "")
    _check_types(shape, params, "")
    errors: list[str] = [
        f"Value null at '{_wire_name(name)}' failed to satisfy constraint: Member must not be null"
        for name in DOCUMENTED_REQUIRED.get(operation, ()) if params.get(name) is None
    ]
    _check_constraints(shape, params, "", errors)
    if errors:
        count = len(errors)
        raise AwsError(
            "ValidationException",
            f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors[:5]),
        )


def _wire_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def _type_error(expected: str, value: Any) -> AwsError:
    kind = type(value).__name__
    return AwsError("SerializationException", f"{kind.upper()}_VALUE can not be converted to {expected}")


def _check_types(shape: Shape, value: Any, path: str) -> None:
    """Raise SerializationException for a JSON value of the wrong type anywhere in the request."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise _type_error("a structure", value)
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check_types(member, value[name], f"{path}.{name}")
    elif t == "map":
        if not isinstance(value, dict):
            raise _type_error("a map", value)
        for k, v in value.items():
            _check_types(shape.key, k, path)
            if v is not None:
                _check_types(shape.value, v, path)
    elif t == "list":
        if not isinstance(value, list):
            raise _type_error("a list", value)
        for item in value:
            if item is not None:
                _check_types(shape.member, item, path)
    elif t == "string":
        if not isinstance(value, str):
            raise _type_error("a String", value)
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _type_error("an Integer", value)
    elif t == "boolean":
        if not isinstance(value, bool):
            raise _type_error("a Boolean", value)
    elif t == "blob":
        if not isinstance(value, str):
            raise _type_error("a Blob", value)
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise AwsError("SerializationException", "Base64 encoded value is invalid.") from None
    elif t == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _type_error("a Timestamp", value)


def _length(shape: Shape, value: Any) -> int:
    if shape.type_name == "blob":
        return len(base64.b64decode(value))
    return len(value)


def _check_constraints(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    """Collect AWS-style validation errors: required members, lengths, ranges and enums."""
    meta = shape.metadata
    # AWS never echoes blobs or sensitive members (Plaintext is both) in a validation message.
    secret = shape.type_name == "blob" or shape.metadata.get("sensitive")
    shown = f"'{value}'" if isinstance(value, (str, int)) and not isinstance(value, bool) and not secret else "at"
    where = f"'{path}'" if path else "''"
    if shape.type_name == "structure":
        for name in shape.required_members:
            if value.get(name) is None:
                errors.append(f"Value null at '{_wire_name(name)}' failed to satisfy constraint: Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check_constraints(member, value[name], _wire_name(name), errors)
        return
    prefix = f"Value {shown} at {where}" if shown != "at" else f"Value at {where}"
    if shape.type_name in ("string", "blob", "list", "map"):
        size = _length(shape, value)
        if "min" in meta and size < meta["min"]:
            errors.append(f"{prefix} failed to satisfy constraint: Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and size > meta["max"]:
            errors.append(f"{prefix} failed to satisfy constraint: Member must have length less than or equal to {meta['max']}")
    if shape.type_name in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            errors.append(f"{prefix} failed to satisfy constraint: Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            errors.append(f"{prefix} failed to satisfy constraint: Member must have value less than or equal to {meta['max']}")
    if shape.type_name == "string" and shape.enum and value not in shape.enum:
        errors.append(f"{prefix} failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    if shape.type_name == "list":
        for item in value:
            if item is not None:
                _check_constraints(shape.member, item, path, errors)
    if shape.type_name == "map":
        for k, v in value.items():
            _check_constraints(shape.key, k, path, errors)
            if v is not None:
                _check_constraints(shape.value, v, path, errors)


RESERVED_ALIAS_PREFIX = "alias/aws/"


def check_alias_name(operation: str, params: dict[str, Any]) -> None:
    """NotAuthorizedException for an alias under alias/aws/, which AWS keeps for its managed keys."""
    if operation in ("CreateAlias", "UpdateAlias") and str(params.get("AliasName", "")).startswith(RESERVED_ALIAS_PREFIX):
        raise AwsError("NotAuthorizedException", "Alias names that begin with alias/aws/ are reserved for AWS managed keys.")


RESERVED_TAG_PREFIX = "aws:"
"""Tag keys AWS keeps for its own tags; CreateKey, ReplicateKey and TagResource refuse them with TagException."""


def check_tags(operation: str, params: dict[str, Any]) -> None:
    """TagException for a tag key that begins with aws:, the prefix AWS reserves for the tags it adds."""
    if operation not in ("CreateKey", "ReplicateKey", "TagResource"):
        return
    for tag in params.get("Tags") or ():
        if isinstance(tag, dict) and str(tag.get("TagKey", "")).startswith(RESERVED_TAG_PREFIX):
            raise AwsError("TagException", "Tag keys that begin with aws: are reserved for AWS use.")
