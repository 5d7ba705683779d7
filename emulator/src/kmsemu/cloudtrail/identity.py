"""The userIdentity element of a CloudTrail event: who made the call, with which key, and for which service.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from kmsemu.iam.principals import PARTITION, Caller

ISO = "%Y-%m-%dT%H:%M:%SZ"


def _access_key(account: str, access_key_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account][PARTITION].access_keys.get(access_key_id)


def _created(account: str, access_key_id: str) -> str:
    """When the role session's credentials were issued (moto's access key creation time)."""
    key = _access_key(account, access_key_id)
    created = getattr(key, "create_date", None)
    if not isinstance(created, dt.datetime):
        return ""
    return (created if created.tzinfo else created.replace(tzinfo=dt.UTC)).strftime(ISO)


def user_identity(caller: Caller, access_key_id: str, invoked_by: str | None = None) -> dict[str, Any]:
    """userIdentity for an IAM user or an assumed-role session; `invoked_by` names a service acting for it."""
    entity_id = str(getattr(caller._entity, "id", "") or "")
    if caller.kind == "AssumedRole":
        role_name = caller.principal_arn.rsplit("/", 1)[-1]
        found: dict[str, Any] = {
            "type": "AssumedRole", "principalId": f"{entity_id}:{caller.name}", "arn": caller.arn,
            "accountId": caller.account, "accessKeyId": access_key_id,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": entity_id, "arn": caller.principal_arn,
                                  "accountId": caller.account, "userName": role_name},
                "attributes": {"creationDate": _created(caller.account, access_key_id), "mfaAuthenticated": "false"},
            },
        }
    else:
        found = {"type": "IAMUser", "principalId": entity_id, "arn": caller.arn, "accountId": caller.account,
                 "accessKeyId": access_key_id, "userName": caller.name}
    if invoked_by:
        found["invokedBy"] = invoked_by
    return found


def username(identity: dict[str, Any]) -> str:
    """The Username LookupEvents reports: the user name, or the role session name."""
    if identity.get("type") == "AssumedRole":
        return str(identity.get("arn", "")).rsplit("/", 1)[-1]
    return str(identity.get("userName", ""))
