"""KMS key identifiers: find the moto backend and key a request names, as AWS resolves ids, ARNs and aliases."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kmsemu.http import Request

if TYPE_CHECKING:
    from moto.kms.models import Key, KmsBackend

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key/(.+)$")
_ALIAS_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(alias/.+)$")

# Operations whose KeyId may be an alias name or alias ARN as well as a key id or key ARN (AWS API reference).
ANY_IDENTIFIER = frozenset({
    "DescribeKey", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GenerateMac", "VerifyMac",
    "GetPublicKey", "DeriveSharedSecret", "Encapsulate", "Decapsulate",
})


def account_for(request: Request) -> str:
    """The account whose resources the request acts on: the one owning its access key, as moto decides."""
    key = request.access_key_id
    if not key:
        return DEFAULT_ACCOUNT
    from moto.iam.models import get_account_id_from

    return get_account_id_from(key)


def kms_backend(request: Request) -> KmsBackend:
    """The moto KMS backend for the request's account and signed region."""
    from moto.kms.models import kms_backends

    return kms_backends[account_for(request)][request.region or DEFAULT_REGION]


def resolve(backend: KmsBackend, identifier: Any, allow_alias: bool = True) -> Key | None:
    """The key an identifier names in this backend's account and region, or None when there is none."""
    if not isinstance(identifier, str) or not identifier:
        return None
    match = _KEY_ARN.match(identifier)
    if match:
        region, account, key_id = match.groups()
        if (region, account) != (backend.region_name, backend.account_id):
            return None
        return backend.keys.get(key_id)
    if not allow_alias:
        return backend.keys.get(identifier)
    alias_match = _ALIAS_ARN.match(identifier)
    if alias_match:
        region, account, identifier = alias_match.groups()
        if (region, account) != (backend.region_name, backend.account_id):
            return None
    if identifier.startswith("alias/"):
        for key in list(backend.keys.values()):
            if identifier in key.aliases:
                return key
        # AWS managed aliases (alias/aws/s3, ...) exist from the start; moto creates their key on first use.
        from moto.kms.utils import RESERVED_ALIASES

        if identifier in RESERVED_ALIASES:
            return backend.keys.get(backend.get_key_id_from_alias(identifier) or "")
        return None
    return backend.keys.get(identifier)


def is_alias(identifier: Any) -> bool:
    """True for an alias name or alias ARN."""
    return isinstance(identifier, str) and (identifier.startswith("alias/") or bool(_ALIAS_ARN.match(identifier)))


def display_arn(backend: KmsBackend, identifier: str) -> str:
    """The ARN AWS prints in a not-found message for this identifier."""
    if identifier.startswith("arn:"):
        return identifier
    kind = "" if identifier.startswith("alias/") else "key/"
    return f"arn:aws:kms:{backend.region_name}:{backend.account_id}:{kind}{identifier}"


def not_found_message(backend: KmsBackend, identifier: str) -> str:
    """AWS's NotFoundException message for a key or alias that does not exist."""
    if is_alias(identifier):
        return f"Alias {display_arn(backend, identifier)} is not found."
    return f"Key '{display_arn(backend, identifier)}' does not exist"
