"""Step 5's model validation for IAM, STS, CloudFormation, Organizations and CloudTrail, before moto reads a request.

Every parameter is checked against the operation's input shape in botocore's model (kmsemu.model_validation), as
AWS checks it before anything else: a refused request never reaches moto. KMS is validated in kmsemu.kms.layer.

Query protocol (IAM, STS, CloudFormation): the top-level members of the input shape, read from the form. A missing
required member, a string outside its length or pattern (botocore's pattern compiled by Python's re; a pattern re
cannot compile is skipped), a non-numeric or out-of-range integer, or a value outside an enum is a 400 ValidationError
of type Sender with AWS's "1 validation error detected: Value null at 'userName' ..." wording, as the common errors
of IAM and STS describe it:
https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
Nested and list members (`Tags.member.N.Key`, `Parameters.member.N.ParameterValue`) are left to moto, except that a
required one must be present. Step 4 (authorisation) runs first, so a caller refused there (AssumeRole on a role whose
trust policy does not name them) gets AccessDenied, not the ValidationError AWS may give for the same parameters.

JSON protocol (Organizations, CloudTrail): the whole body, with the KMS validator's checks (kmsemu.model_validation).
Organizations gets all of them plus patterns, as InvalidInputException (its documented code for missing or invalid
parameters, reasons INPUT_REQUIRED, INVALID_PATTERN ...):
https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html#API_DescribeAccount_Errors
CloudTrail refuses out-of-range values with exceptions of its own (InvalidMaxResultsException,
InvalidLookupAttributesException, which kmsemu.cloudtrail.lookup gives), so here it gets only JSON types and
required members (ValidationException, a common error), and LookupEvents is left to kmsemu.cloudtrail.lookup:
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.model import Shape

from kmsemu import model_validation as mv
from kmsemu.errors import AwsError
from kmsemu.http import Request, StartResponse, WSGIApp

QUERY_SERVICES = frozenset({"iam", "sts", "cloudformation"})
JSON_CODES = {"organizations": "InvalidInputException", "cloudtrail": "ValidationException"}
"""The JSON services validated here, and the error code each gives for a parameter its model refuses."""
REQUIRED_ONLY = frozenset({"cloudtrail"})
"""JSON services whose own exceptions cover lengths and ranges: only types and required members are checked here."""
LEFT_TO_SERVICE = frozenset({("cloudtrail", "LookupEvents")})
"""Operations kmsemu answers itself with the service's own validation errors."""

_NUMBERS = ("integer", "long")


def validate_query(service: str, operation: str, form: dict[str, str]) -> None:
    """Raise ValidationError as AWS would for a query request's top-level parameters; return when acceptable."""
    shape = mv.input_shape(service, operation)
    if shape is None:
        return
    errors: list[str] = []
    required = set(shape.required_members)
    for name, member in shape.members.items():
        key = member.serialization.get("name", name)
        if key not in form:
            if name in required and not _nested_present(form, key):
                errors.append(mv.null_error(name))
            continue
        if member.type_name in ("string", *_NUMBERS, "boolean"):
            _check_scalar(member, form[key], mv.wire_name(name), errors)
    mv.raise_errors(errors, "ValidationError")


def _nested_present(form: dict[str, str], key: str) -> bool:
    """True when a list, map or structure member is sent as `Key.member.1`, `Key.1` or `Key.Field`."""
    return any(k.startswith(key + ".") for k in form)


def _check_scalar(member: Shape, text: str, path: str, errors: list[str]) -> None:
    """One scalar form value: numbers parsed first, then the shared length, range, enum and pattern checks."""
    if member.type_name in _NUMBERS:
        try:
            value: Any = int(text.strip())
        except ValueError:
            errors.append(f"Value '{text}' at '{path}' failed to satisfy constraint: Member must be a number")
            return
    elif member.type_name == "boolean":
        if text.lower() not in ("true", "false"):
            errors.append(f"Value '{text}' at '{path}' failed to satisfy constraint: Member must be a boolean")
        return
    else:
        value = text
    mv.check_value(member, value, path, errors, patterns=True)


def validate_json(service: str, operation: str, body: bytes) -> None:
    """Raise the service's error as AWS would for a JSON request's parameters; return when acceptable."""
    shape = mv.input_shape(service, operation)
    if shape is None or (service, operation) in LEFT_TO_SERVICE:
        return
    params = mv.parse_json_body(body)
    mv.check_types(shape, params)
    errors: list[str] = []
    if service in REQUIRED_ONLY:
        errors = [mv.null_error(name) for name in shape.required_members if params.get(name) is None]
    else:
        mv.check_structure(shape, params, errors, patterns=True)
    mv.raise_errors(errors, JSON_CODES[service])


def validate(request: Request) -> None:
    """Raise AwsError when the request's parameters break its operation's input shape (other services pass)."""
    service, operation = request.service or "", request.operation or ""
    if not operation:
        return
    if service in QUERY_SERVICES:
        validate_query(service, operation, request.form())
    elif service in JSON_CODES:
        validate_json(service, operation, request.body)


def model_validation(app: WSGIApp) -> WSGIApp:
    """Middleware: refuse what botocore's model refuses for IAM, STS, CloudFormation, Organizations and CloudTrail."""

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.of(environ)
        try:
            validate(request)
        except AwsError as error:
            return error.send(start_response, request.protocol)
        return app(environ, start_response)

    return middleware
