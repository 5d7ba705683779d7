"""CloudFormation makes its KMS calls as the stack's caller, so KMS's own checks apply to a template's resources.

On AWS, an AWS::KMS::Key or AWS::KMS::Alias reaches KMS as a CreateKey, PutKeyPolicy, CreateAlias or
UpdateAlias call made with the caller's permissions. A key policy that fails the lockout safety check, an
alias under alias/aws/ or one that already exists, or a caller without the permission, fails the resource,
and the stack rolls back (cfn_stack_events). moto creates such resources without any of these checks. Each call
is a CloudTrail event of the caller, invoked by cloudformation.amazonaws.com, and a forward access session, so
aws:ViaAWSService is true.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html
"""
from __future__ import annotations

from typing import Any

from kmsemu.cloudtrail.recorder import on_behalf
from kmsemu.errors import AwsError
from kmsemu.iam import principals
from kmsemu.kms import gate
from kmsemu.kms.validation import check_alias_name, check_tags, validate

CLOUDFORMATION_SERVICE = "cloudformation.amazonaws.com"
"""How CloudTrail names CloudFormation when it calls KMS for the stack's caller (invokedBy, sourceIPAddress)."""


class ResourceRefused(Exception):
    """KMS refused the call CloudFormation made for a resource: carries KMS's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check(operation: str, params: dict[str, Any], region: str) -> None:
    """Raise ResourceRefused when KMS would refuse this call from the principal whose request is being served."""
    params = {name: value for name, value in params.items() if value is not None}
    try:
        validate(operation, params)
        check_alias_name(operation, params)
        check_tags(operation, params)
    except AwsError as error:
        raise ResourceRefused(error.code, error.message) from None
    caller = principals.serving_now()
    if caller is None:
        return
    refusal = gate.authorize(caller, operation, params, region, forwarded=True)
    on_behalf(CLOUDFORMATION_SERVICE, caller, operation, region, params,
              (refusal.code, refusal.message) if refusal is not None else None)
    if refusal is not None:
        raise ResourceRefused(refusal.code, refusal.message)


def check_new_alias(backend: Any, name: str, target: str, region: str) -> None:
    """The CreateAlias checks, plus the two KMS makes against existing state: a free name, and a real key."""
    check("CreateAlias", {"AliasName": name, "TargetKeyId": target}, region)
    if backend.alias_exists(name):
        raise ResourceRefused("AlreadyExistsException", f"An alias with the name arn:aws:kms:{region}:"
                              f"{backend.account_id}:{name} already exists")
    if backend.get_key_id(target) not in backend.keys:
        raise ResourceRefused("NotFoundException", f"Key '{target}' does not exist")
