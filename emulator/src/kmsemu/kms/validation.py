"""Check a KMS request body against the operation's input shape, as AWS does before it reads anything.

The shapes come from botocore's KMS service model, so they are the same ones the real service publishes.
Wrong JSON types give SerializationException; missing, too short, too long or out-of-enum values give
ValidationException with AWS's "1 validation error detected" wording. The checks themselves are
kmsemu.model_validation's, shared with the other services; KMS adds its documented-required members,
and leaves patterns unchecked, as before.
"""
from __future__ import annotations

from typing import Any

from botocore.model import Shape

from kmsemu import model_validation
from kmsemu.errors import AwsError


def input_shape(operation: str) -> Shape | None:
    """The input shape of a KMS operation, or None when KMS has no such operation."""
    return model_validation.input_shape("kms", operation)


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object a KMS request carries, or SerializationException."""
    return model_validation.parse_json_body(body)


# Members the API reference calls required although the model marks them optional.
DOCUMENTED_REQUIRED = {"GenerateRandom": ("NumberOfBytes",)}


def validate(operation: str, params: dict[str, Any]) -> None:
    """Raise AwsError as AWS would for this operation's parameters; return when they are acceptable."""
    shape = input_shape(operation)
    if shape is None:
        raise AwsError("UnknownOperationException", "")
    model_validation.check_types(shape, params)
    errors = [model_validation.null_error(name) for name in DOCUMENTED_REQUIRED.get(operation, ()) if params.get(name) is None]
    model_validation.check_structure(shape, params, errors)
    model_validation.raise_errors(errors, "ValidationException")


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
