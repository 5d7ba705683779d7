"""Request parameters checked against an operation's input shape in botocore's model, as AWS checks them first.

Shared by every service's step-5 validation: KMS (kmsemu.kms.validation), the other JSON services and the query
services (kmsemu.query_validation). Wrong JSON types give SerializationException; missing, too short, too long,
out-of-range, out-of-enum (and, where asked, off-pattern) values give AWS's "1 validation error detected" wording.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from functools import cache, lru_cache
from typing import Any

from botocore.model import OperationNotFoundError, Shape

from kmsemu.errors import AwsError


@cache
def service_model(service: str) -> Any:
    """botocore's model of a service, parsed once on the shared loader."""
    from kmsemu.sessions import botocore_session

    return botocore_session().get_service_model(service)


def input_shape(service: str, operation: str) -> Shape | None:
    """The input shape of an operation, or None when the service has no such operation (or no input)."""
    try:
        return service_model(service).operation_model(operation).input_shape
    except OperationNotFoundError:
        return None


def parse_json_body(body: bytes) -> dict[str, Any]:
    """The JSON object a JSON-protocol request carries, or SerializationException."""
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.") from None
    if not isinstance(value, dict):
        raise AwsError("SerializationException", "Start of structure or map found where not expected.")
    return value


def wire_name(name: str) -> str:
    """A member's name as AWS's validation messages spell it: lower-case first letter."""
    return name[:1].lower() + name[1:]


def null_error(name: str) -> str:
    """AWS's message for a required member that is missing."""
    return f"Value null at '{wire_name(name)}' failed to satisfy constraint: Member must not be null"


def raise_errors(errors: list[str], code: str) -> None:
    """Raise `code` with AWS's "N validation errors detected" message when there are errors (at most five shown)."""
    if errors:
        count = len(errors)
        raise AwsError(code, f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors[:5]))


def _type_error(expected: str, value: Any) -> AwsError:
    kind = type(value).__name__
    return AwsError("SerializationException", f"{kind.upper()}_VALUE can not be converted to {expected}")


def check_types(shape: Shape, value: Any) -> None:
    """Raise SerializationException for a JSON value of the wrong type anywhere in the request."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            raise _type_error("a structure", value)
        for name, member in shape.members.items():
            if value.get(name) is not None:
                check_types(member, value[name])
    elif t == "map":
        if not isinstance(value, dict):
            raise _type_error("a map", value)
        for k, v in value.items():
            check_types(shape.key, k)
            if v is not None:
                check_types(shape.value, v)
    elif t == "list":
        if not isinstance(value, list):
            raise _type_error("a list", value)
        for item in value:
            if item is not None:
                check_types(shape.member, item)
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


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str] | None:
    """botocore's pattern compiled by Python's re, or None when re cannot compile it (that check is skipped)."""
    try:
        return re.compile(pattern)
    except (re.error, OverflowError):
        return None


def _length(shape: Shape, value: Any) -> int:
    if shape.type_name == "blob":
        return len(base64.b64decode(value))
    return len(value)


def check_value(shape: Shape, value: Any, path: str, errors: list[str], patterns: bool = False) -> None:
    """Collect AWS-style errors for one value: lengths, ranges, enums, patterns (when asked), and what it contains."""
    meta = shape.metadata
    # AWS never echoes blobs or sensitive members (KMS Plaintext is both) in a validation message.
    secret = shape.type_name == "blob" or meta.get("sensitive")
    shown = f"'{value}'" if isinstance(value, (str, int)) and not isinstance(value, bool) and not secret else "at"
    where = f"'{path}'" if path else "''"
    if shape.type_name == "structure":
        check_structure(shape, value, errors, patterns)
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
    if patterns and shape.type_name == "string" and "pattern" in meta:
        regex = compiled(meta["pattern"])
        if regex is not None and regex.fullmatch(value) is None:
            errors.append(f"{prefix} failed to satisfy constraint: Member must satisfy regular expression pattern: {meta['pattern']}")
    if shape.type_name == "list":
        for item in value:
            if item is not None:
                check_value(shape.member, item, path, errors, patterns)
    if shape.type_name == "map":
        for k, v in value.items():
            check_value(shape.key, k, path, errors, patterns)
            if v is not None:
                check_value(shape.value, v, path, errors, patterns)


def check_structure(shape: Shape, value: dict[str, Any], errors: list[str], patterns: bool = False) -> None:
    """Collect AWS-style errors for a structure: its required members, then each member present."""
    for name in shape.required_members:
        if value.get(name) is None:
            errors.append(null_error(name))
    for name, member in shape.members.items():
        if value.get(name) is not None:
            check_value(member, value[name], wire_name(name), errors, patterns)
