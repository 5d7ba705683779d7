"""The pipeline's recording hook: each served call becomes a CloudTrail event once its answer is known.

Calls a service makes for the caller (S3's SSE-KMS calls to KMS, CloudFormation's to KMS) are collected while
the caller's request runs and recorded with it, as that caller with `invokedBy` the service.
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
"""
from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from kmsemu import clock
from kmsemu.cloudtrail import delivery, kms_events, last_usage, store
from kmsemu.cloudtrail.events import Call, build, s3_event_name
from kmsemu.errors import AwsError
from kmsemu.http import Request, Response
from kmsemu.iam.principals import Caller

_ERROR_CODES = {"AccessDeniedException": "AccessDenied"}
"""KMS logs a refusal as errorCode AccessDenied."""
_XML_CODE = re.compile(rb"<Code>([^<]*)</Code>")
_XML_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>")
_XML_REQUEST_ID = re.compile(rb"<RequestId>([^<]*)</RequestId>")
_REQUEST_ID_HEADER = {"json": "x-amzn-RequestId", "s3": "x-amz-request-id"}

_collected: ContextVar[tuple[Request, list[Call]] | None] = ContextVar("kmsemu_trail_collected", default=None)


@contextmanager
def collecting(request: Request) -> Iterator[None]:
    """While `request` runs, calls services make for its caller are collected (and recorded with it)."""
    token = _collected.set((request, []))
    try:
        yield
    finally:
        _collected.reset(token)


def on_behalf(service_host: str, caller: Caller | None, operation: str, region: str, body: dict[str, Any],
              error: tuple[str, str] | None = None, key_arn: str | None = None) -> None:
    """A KMS call a service (`s3.amazonaws.com`) made for the caller of the request being served."""
    found = _collected.get()
    if found is None or caller is None:
        return
    request, pending = found
    code, message = error if error else (None, None)
    answer = None if error else ({"KeyId": key_arn} if key_arn else {})
    pending.append(Call(caller, request.access_key_id or "", "kms", operation, region, body, answer,
                        _ERROR_CODES.get(code or "", code), message, invoked_by=service_host, key_hint=key_arn))


def _event_name(request: Request) -> str | None:
    if request.service != "s3":
        return request.operation
    from kmsemu.s3.actions import target

    bucket, key = target(request)
    return s3_event_name(request.operation or "", request.environ.get("REQUEST_METHOD", "GET").upper(), bucket, key)


def _body(request: Request, sent: bytes) -> dict[str, Any]:
    if request.protocol == "json":
        try:
            value = json.loads(sent or b"{}")
        except (ValueError, RecursionError):
            return {}
        return value if isinstance(value, dict) else {}
    if request.service == "s3":
        from kmsemu.s3.actions import target

        bucket, _ = target(request)
        return {"bucketName": bucket, "Host": request.header("host") or ""} if bucket else {}
    return request.form()


def _error_of(protocol: str, response: Response) -> tuple[str, str]:
    if protocol == "json":
        body = response.json() if isinstance(response.json(), dict) else {}
        return str(body.get("__type", "")).rsplit("#", 1)[-1], str(body.get("message", body.get("Message", "")))
    code, message = _XML_CODE.search(response.body), _XML_MESSAGE.search(response.body)
    return (code.group(1).decode() if code else "", message.group(1).decode() if message else "")


def _request_id(request: Request, response: Response) -> str:
    """The id the caller sees for this request (set on JSON answers; read from moto's S3 and query answers)."""
    header = _REQUEST_ID_HEADER.get(request.protocol)
    if request.protocol == "query":
        found = _XML_REQUEST_ID.search(response.body)
        if found and found.group(1) != b"kmsemu":
            return found.group(1).decode()
    if request.protocol == "s3":
        sent = next((v for k, v in response.headers if k.lower() == "x-amz-request-id"), None)
        if sent:
            return sent
    rid = str(uuid.uuid4())
    if header:
        response.headers[:] = [(k, v) for k, v in response.headers if k.lower() != header.lower()] + [(header, rid)]
    return rid


def served(request: Request, sent: bytes, response: Response) -> None:
    """Record a call the pipeline answered (with moto's or kmsemu's answer), and what services did for it."""
    found = _collected.get()
    pending = found[1] if found is not None and found[0] is request else []
    name = _event_name(request)
    caller = request.caller
    if caller is None or name is None:
        _flush(pending)
        return
    call = Call(caller, request.access_key_id or "", request.service or "", name, request.region or "us-east-1",
                _body(request, sent), source_ip=str(request.environ.get("REMOTE_ADDR", "127.0.0.1")),
                user_agent=str(request.environ.get("HTTP_USER_AGENT", "")), request_id=_request_id(request, response))
    if response.status_code >= 400:
        code, message = _error_of(request.protocol, response)
        call.error_code, call.error_message = _ERROR_CODES.get(code, code), message
    elif request.protocol == "json":
        answer = response.json()
        call.answer = answer if isinstance(answer, dict) else {}
    logging = {"StartLogging": True, "StopLogging": False}.get(name) if call.error_code is None and call.service == "cloudtrail" else None
    if logging is True:
        delivery.logging_changed(caller.account, call.region, str(call.body.get("Name", "")), True)
    record(call)
    if logging is False:
        delivery.logging_changed(caller.account, call.region, str(call.body.get("Name", "")), False)
    _flush(pending)


def before(request: Request) -> None:
    """Before an S3 request reaches moto: deliver the log files due in its bucket, if a trail logs there."""
    if request.service == "s3" and request.caller is not None:
        from kmsemu.s3.actions import target

        bucket, _ = target(request)
        if bucket:
            delivery.deliver_to(bucket)


def refused(request: Request | None, sent: bytes, error: AwsError) -> list[tuple[str, str]]:
    """Record a call refused in steps 2-4 once its caller and operation are known; the headers to answer with."""
    if request is None or request.caller is None or not request.operation or _event_name(request) is None:
        return []
    rid = str(uuid.uuid4())
    call = Call(request.caller, request.access_key_id or "", request.service or "", _event_name(request) or "",
                request.region or "us-east-1", _body(request, sent), None, _ERROR_CODES.get(error.code, error.code),
                error.message, str(request.environ.get("REMOTE_ADDR", "127.0.0.1")),
                str(request.environ.get("HTTP_USER_AGENT", "")), request_id=rid)
    record(call)
    header = _REQUEST_ID_HEADER.get(request.protocol)
    return [(header, rid)] if header else []


def _flush(pending: list[Call]) -> None:
    for call in pending:
        record(call)
    pending.clear()


def record(call: Call) -> None:
    """Keep the event of one call (in the key owner's account too, for a key of another account)."""
    moment = clock.now()
    event, keys = build(call, moment)
    owners = sorted({str(k.account_id) for k in keys} - {call.caller.account})
    copies = []
    for owner in owners:
        shared = event.setdefault("sharedEventID", str(uuid.uuid4()))
        other = copy.deepcopy(event)
        other.update(eventID=str(uuid.uuid4()), recipientAccountId=owner, sharedEventID=shared)
        copies.append(other)
    for each in [event, *copies]:
        store.keep(each, moment)
    if call.error_code is None and call.operation in kms_events.CRYPTOGRAPHIC:
        for key in keys:
            mine = next((e for e in [event, *copies] if e["recipientAccountId"] == str(key.account_id)), event)
            last_usage.note(key, last_usage.LastUsage(call.operation, moment, mine["eventID"], call.request_id))
