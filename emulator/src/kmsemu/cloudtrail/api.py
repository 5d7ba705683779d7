"""The CloudTrail API's middleware: LookupEvents is answered here; trails (CreateTrail, StartLogging) go to moto."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kmsemu.cloudtrail.lookup import lookup_events
from kmsemu.errors import AwsError
from kmsemu.http import Request, StartResponse, WSGIApp, json_response


def cloudtrail_api(app: WSGIApp) -> WSGIApp:
    """Middleware: answer LookupEvents from kmsemu's events, pass every other request on."""

    def middleware(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.of(environ)
        if request.service != "cloudtrail" or request.operation != "LookupEvents" or request.caller is None:
            return app(environ, start_response)
        try:
            answer = lookup_events(request.caller.account, request.region or "us-east-1", request.json())
        except AwsError as error:
            return error.send(start_response, "json")
        return json_response(start_response, answer)

    return middleware
