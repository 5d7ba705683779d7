"""Which operation a request asks for, read from its protocol once: a JSON target, a query Action, or S3's REST form.

An unknown or misspelled operation gets the error the service gives, before anything acts on the request.
"""
from __future__ import annotations

from functools import cache

from kmsemu.auth.regions import JSON_TARGETS
from kmsemu.errors import AwsError
from kmsemu.http import Request

_TARGET_PREFIX = {service: prefix for prefix, service in JSON_TARGETS.items()}


@cache
def operation_names(service: str) -> frozenset[str]:
    """The operations botocore's model of `service` defines (the names AWS accepts)."""
    from kmsemu.sessions import botocore_session

    return frozenset(botocore_session().get_service_model(service).operation_names)


def identify(request: Request) -> str:
    """The operation of an authenticated request; sets request.operation, or raises the service's own error."""
    service = request.service or ""
    if service in _TARGET_PREFIX:
        operation = _json_operation(request, service)
    elif service == "s3":
        from kmsemu.s3.actions import s3_operation

        operation = s3_operation(request)
    else:
        operation = _query_operation(request, service)
    request.operation = operation
    return operation


def _json_operation(request: Request, service: str) -> str:
    """`<Prefix>.<Operation>` exactly, with an operation the service has; anything else is UnknownOperationException."""
    prefix, dot, operation = request.target.rpartition(".")
    if prefix != _TARGET_PREFIX[service] or not dot or operation not in operation_names(service):
        raise AwsError("UnknownOperationException", "", 400)
    return operation


def _query_operation(request: Request, service: str) -> str:
    """The Action parameter, which must name an operation of the service's API version."""
    form = request.form()
    action = form.get("Action", "")
    if not action:
        raise AwsError("MissingAction", "The request must contain the parameter Action.", 400)
    if action not in operation_names(service):
        version = form.get("Version", "")
        raise AwsError("InvalidAction", f"Could not find operation {action} for version {version}", 400)
    return action
