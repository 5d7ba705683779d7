"""AWS managed keys (`alias/aws/<service>`): AWS's own key policy, so they work only through their service.

moto gives them its default policy (IAM decides everything). AWS's policy lets account principals use the key
only via the service, and read its metadata directly.
https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
"""
from __future__ import annotations

import json
from typing import Any

_PREFIX = "alias/aws/"
_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"]


def service_of(key: Any) -> str | None:
    """`s3` for the key behind `alias/aws/s3`; None for a customer managed key."""
    for alias in list(key.aliases):
        if alias.startswith(_PREFIX):
            return alias[len(_PREFIX):]
    return None


def policy_for(key: Any, service: str) -> str:
    """The key policy AWS gives an AWS managed key of this service."""
    account = key.account_id
    return json.dumps({
        "Version": "2012-10-17",
        "Id": f"auto-{service}-2",
        "Statement": [
            {"Sid": f"Allow access through {service} for all principals in the account that are authorized to use {service}",
             "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": _USE, "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": f"{service}.{key.region}.amazonaws.com",
                                            "kms:CallerAccount": account}}},
            {"Sid": "Allow direct access to key metadata to the account", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
             "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"},
        ],
    })


def effective_policy(key: Any) -> Any:
    """The key's policy; an AWS managed key first takes AWS's policy (and KeyManager AWS), so GetKeyPolicy agrees."""
    service = service_of(key)
    if service is not None and key.key_manager != "AWS":
        key.policy = policy_for(key, service)
        key.key_manager = "AWS"
    return key.policy
