"""Permissions boundaries: the managed policy that caps what a user's or role's identity-based policies allow.

moto stores a role's boundary (PutRolePermissionsBoundary) but has no PutUserPermissionsBoundary and ignores
CreateUser's PermissionsBoundary; kmsemu answers those two calls (and DeleteUserPermissionsBoundary) itself, sets a
new user's boundary once moto has made the user, and keeps the user's boundary on moto's User, where GetUser
reports it as PermissionsBoundary; ListUsers leaves it out, as AWS's listing operations do.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kmsemu.errors import AwsError
from kmsemu.http import Request, Response, StartResponse, WSGIApp
from kmsemu.patches import replace

_USER_BOUNDARY = "_kmsemu_permissions_boundary"
_OPERATIONS = ("PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary")
REPORTED = "permissions_boundary"
"""The User attribute moto's serializer reads for GetUser's PermissionsBoundary (a Role has it as a property)."""
_UNLISTED = "ListUsersResponse.Users.User.PermissionsBoundary"


def boundary_arn(entity: Any) -> str | None:
    """The ARN of the managed policy bounding a moto User or Role, or None."""
    return getattr(entity, _USER_BOUNDARY, None) or getattr(entity, "permissions_boundary_arn", None) or None


def boundary_document(account: str, entity: Any) -> Any:
    """The default version of the entity's boundary policy, or None when it has none (or it cannot be found)."""
    arn = boundary_arn(entity)
    if not arn:
        return None
    from kmsemu.iam.principals import _default_document, _iam

    found = _iam(account).managed_policies.get(arn)
    return _default_document(found) if found is not None else '{"Statement": []}'


def iam_boundaries(app: WSGIApp) -> WSGIApp:
    """Middleware: answer PutUserPermissionsBoundary and DeleteUserPermissionsBoundary, pass every other request on."""

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.of(environ)
        if request.service == "iam" and request.operation == "CreateUser" and request.caller is not None:
            return _create_user(app, request, environ, start_response)
        if request.service != "iam" or request.operation not in _OPERATIONS or request.caller is None:
            return app(environ, start_response)
        try:
            _set(request)
        except AwsError as error:
            return error.send(start_response, "query")
        body = (f'<{request.operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata>'
                f"<RequestId>kmsemu</RequestId></ResponseMetadata></{request.operation}Response>").encode()
        return Response("200 OK", [("Content-Type", "text/xml")], body).send(start_response)

    return middleware


def _set(request: Request) -> None:
    from kmsemu.iam.principals import _iam

    form = request.form()
    name = form.get("UserName", "")
    user = _iam(request.caller.account).users.get(name)
    if user is None:
        raise AwsError("NoSuchEntity", f"The user with name {name} cannot be found.", 404)
    if request.operation == "DeleteUserPermissionsBoundary":
        set_boundary(user, None)
        return
    arn = form.get("PermissionsBoundary", "")
    if not arn.startswith("arn:aws:iam::"):
        raise AwsError("ValidationError", f"Value ({arn}) for parameter PermissionsBoundary is invalid.", 400)
    set_boundary(user, arn)


def _create_user(app: WSGIApp, request: Request, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """CreateUser, then its PermissionsBoundary on the new user (checked first, so a bad ARN makes no user)."""
    from kmsemu.iam.principals import _iam

    arn = request.form().get("PermissionsBoundary", "")
    if not arn:
        return app(environ, start_response)
    if not arn.startswith("arn:aws:iam::"):
        return AwsError("ValidationError", f"Value ({arn}) for parameter PermissionsBoundary is invalid.", 400).send(start_response, "query")
    statuses: list[str] = []

    def record(status: str, headers: Any, *rest: Any) -> Any:
        statuses.append(status)
        return start_response(status, headers, *rest)

    answer = list(app(environ, record))
    user = _iam(request.caller.account).users.get(request.form().get("UserName", ""))
    if user is not None and statuses[:1] and statuses[0].startswith("200"):
        set_boundary(user, arn)
    return answer


def set_boundary(user: Any, arn: str | None) -> None:
    """Keep `arn` as the moto User's permissions boundary, as GetUser reports it (None removes it)."""
    setattr(user, _USER_BOUNDARY, arn)
    reported = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn} if arn else None
    setattr(user, REPORTED, reported)


def install() -> None:
    """Leave a user's PermissionsBoundary out of ListUsers (moto's response transformers), as AWS does."""
    from moto.core.serialize import never_return
    from moto.iam.responses import IamResponse

    replace(IamResponse, "RESPONSE_KEY_PATH_TO_TRANSFORMER", lambda found: {**found, _UNLISTED: never_return})
