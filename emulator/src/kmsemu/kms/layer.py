"""The KMS middleware: AWS's request validation, identifiers, key states, errors, deletion and rotation.

moto stays the engine; this layer refuses what AWS refuses before moto sees it, normalises what moto
mishandles (key ARNs), and fills in what moto does not track (emulator-clock deletion and rotation).
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.http import Request, Response, StartResponse, WSGIApp, call
from kmsemu.kms import answers, cross_account, data_key_pairs, deletion, key_import, key_specs, multi_region, rotation, rsa_encryption
from kmsemu.kms.ciphertext import ciphertext_key, incorrect_key, invalid_signature
from kmsemu.kms.identifiers import ANY_IDENTIFIER, is_alias, kms_backend, not_found_message, resolve
from kmsemu.kms.imported_replicas import rotate_on_demand
from kmsemu.kms.state import refusal, usage_refusal
from kmsemu.kms.validation import check_alias_name, check_tags, input_shape, parse_body, validate

log = logging.getLogger(__name__)

# The parameter naming the key an operation acts on, where it is not KeyId.
_KEY_PARAM = {"CreateAlias": "TargetKeyId", "UpdateAlias": "TargetKeyId", "ReEncrypt": "DestinationKeyId"}

# Operations whose response KeyId AWS gives as the key ARN.
_ARN_IN_RESPONSE = frozenset({
    "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "Sign", "Verify",
    "GenerateMac", "VerifyMac", "ScheduleKeyDeletion", "CancelKeyDeletion", "GetPublicKey",
})


# Algorithm parameters of symmetric encryption calls moto ignores, checked against the key they name.
_SYMMETRIC_ALGORITHM = {
    "Encrypt": ("EncryptionAlgorithm",), "Decrypt": ("EncryptionAlgorithm",),
    "ReEncrypt": ("SourceEncryptionAlgorithm", "DestinationEncryptionAlgorithm"),
}

_sweep_lock = threading.Lock()


def sweep_due() -> None:
    """Apply what the emulator clock has made due: deletions, automatic rotations, expired imported material."""
    with _sweep_lock:  # requests run in parallel threads; each due change must happen once
        deletion.sweep()
        rotation.sweep(deletion.all_kms_backends())
        key_import.sweep(deletion.all_kms_backends())
        multi_region.sweep(deletion.all_kms_backends())


def kms_semantics(app: WSGIApp) -> WSGIApp:
    """Middleware: KMS semantics in front of moto (moto's patches are installed by the pipeline)."""

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            sweep_due()  # every request, so time-based changes appear as soon as the clock has moved
        except Exception:  # a failed sweep must not fail the learner's unrelated request
            log.debug("emulator clock sweep failed", exc_info=True)
        request = Request.of(environ)
        if request.service != "kms":
            return app(environ, start_response)
        try:
            response = _handle(app, request, request.kms_operation or "")
        except AwsError as error:
            return error.send(start_response, "json")
        return response.send(start_response)  # a moto failure (5xx) is answered by the pipeline

    return middleware


def _handle(app: WSGIApp, request: Request, op: str) -> Response:
    """Check one KMS request as AWS would, let moto run it, and correct moto's answer where it differs."""
    params = parse_body(request.body)
    validate(op, params)
    backend = kms_backend(request)
    shape = input_shape(op)
    members = shape.members if shape is not None else {}
    # AWS ignores unknown members and treats null as absent; moto trips over both.
    params = {name: value for name, value in params.items() if name in members and value is not None}
    key = None
    data_key_pairs.refuse_recipient(params)
    if op == "CreateKey":
        key_specs.check_create(params)  # fills in AWS's default KeyUsage, which DescribeKey then reports
    param = _KEY_PARAM.get(op, "KeyId")
    check_alias_name(op, params)
    check_tags(op, params)
    source = None
    if op in ("Decrypt", "ReEncrypt"):
        source = _source_key(backend, op, params)
        _refuse_if_state_forbids(source, op)
        key = source
    if op != "Decrypt" and param in members and params.get(param) is not None:
        identifier = params[param]
        key = resolve(backend, identifier, allow_alias=op in ANY_IDENTIFIER)
        if key is None and op in cross_account.CROSS_ACCOUNT:
            key = cross_account.named_elsewhere(backend, identifier)
        if key is None:
            raise AwsError("NotFoundException", not_found_message(backend, identifier))
        if not is_alias(identifier) or key.account_id != backend.account_id:
            params[param] = key.id  # moto 500s on key ARNs in several management operations
        _refuse_if_state_forbids(key, op)
    if key is not None and key.account_id != backend.account_id:  # another account's key: moto runs the call there
        backend = cross_account.owner_backend(key)
        request.set_header("x-moto-account-id", key.account_id)
    if op == "RetireGrant" and not params.get("GrantToken") and not (params.get("KeyId") and params.get("GrantId")):
        raise AwsError("ValidationException", "Identify the grant by GrantToken, or by KeyId and GrantId.")
    if op == "ScheduleKeyDeletion":
        deletion.check_window(params)
    if key is not None:
        multi_region.check_operation(key, op)
        if op == "ScheduleKeyDeletion" and (waiting := multi_region.schedule_primary_deletion(
                key, params.get("PendingWindowInDays", deletion.DEFAULT_WINDOW_DAYS))):
            return _json_ok(waiting)
        if op == "CancelKeyDeletion" and multi_region.cancel_primary_deletion(key):
            return _json_ok({"KeyId": key.arn})
    if op in ("EnableKeyRotation", "RotateKeyOnDemand") and key is not None:
        rotation.check_rotatable(key, op)
    if op == "RotateKeyOnDemand" and key is not None:
        if key.origin == "EXTERNAL":
            rotate_on_demand(key)
        else:
            rotation.rotate(key, "ON_DEMAND")
        return _json_ok({"KeyId": key.id})
    if op == "GetKeyLastUsage" and key is not None:  # moto has no GetKeyLastUsage; kmsemu.cloudtrail tracks it
        from kmsemu.cloudtrail.last_usage import answer

        return _json_ok(answer(key))
    if op == "ReEncrypt" and key is not None and source is not None and (
            rsa_encryption.is_rsa_encryption_key(source) or rsa_encryption.is_rsa_encryption_key(key)):
        return _json_ok(rsa_encryption.re_encrypt(backend, source, key, params))
    if op in _SYMMETRIC_ALGORITHM and key is not None:
        for name in _SYMMETRIC_ALGORITHM[op]:
            key_specs.check_algorithm(source if name.startswith("Source") else key, params.get(name))
    answered = answers.answer(op, backend, key, params)
    if answered is not None:
        return _json_ok(answered)
    request.replace_body(json.dumps(params).encode())
    response = call(app, request.environ)
    if response.status_code != 200:
        return response
    return _correct(op, params, key, response)


def _source_key(backend: Any, op: str, params: dict[str, Any]) -> Any:
    """The key a Decrypt or ReEncrypt ciphertext is under: named by KeyId for asymmetric keys, else by the blob."""
    named = params.get("KeyId" if op == "Decrypt" else "SourceKeyId")
    wanted = None
    if named is not None:
        wanted = resolve(backend, named) or cross_account.named_elsewhere(backend, named)
        if wanted is None:
            raise AwsError("NotFoundException", not_found_message(backend, named))
        if key_specs.is_asymmetric(wanted.key_spec):
            return wanted  # an asymmetric ciphertext does not name its key
    source = ciphertext_key(backend, params.get("CiphertextBlob"))
    if wanted is not None and wanted.id != source.id:
        raise incorrect_key()
    if op == "Decrypt":
        params.pop("KeyId", None)  # moto re-checks it and answers AccessDeniedException
    return source


def _refuse_if_state_forbids(key: Any, op: str) -> None:
    found = refusal(key, op) or usage_refusal(key, op)
    if found:
        raise AwsError(*found)


def _json_ok(value: Any) -> Response:
    return Response("200 OK", [("Content-Type", "application/x-amz-json-1.1")], json.dumps(value).encode())


def _correct(op: str, params: dict[str, Any], key: Any, response: Response) -> Response:
    """Bring moto's successful answer in line with AWS's."""
    if key is None:
        return response
    if op == "EnableKeyRotation":
        rotation.enable(key, params.get("RotationPeriodInDays"))
    if op == "DisableKeyRotation":
        rotation.disable(key)
    body = response.json()
    if not isinstance(body, dict):
        return response
    if op == "Verify" and body.get("SignatureValid") is False:
        raise invalid_signature()
    if op in _ARN_IN_RESPONSE and "KeyId" in body:
        body["KeyId"] = key.arn
    if op in ("Encrypt", "Decrypt"):
        body["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT"
    if op == "ReEncrypt":
        body.update(SourceEncryptionAlgorithm="SYMMETRIC_DEFAULT", DestinationEncryptionAlgorithm="SYMMETRIC_DEFAULT")
    if op == "ScheduleKeyDeletion":
        body.update(KeyState="PendingDeletion", PendingWindowInDays=params.get("PendingWindowInDays", 30))
    if op == "GetKeyRotationStatus":
        body.update(rotation.status(key))
    response.set_json(body)
    return response

