"""The course a command-line tool acts on, from a new process: the guarded sandbox, or a running emulator.

A notebook's emulator lives in its kernel's memory, so a new process (`kmscourse cleanup`, `kmscourse costs`)
cannot see it unless it is told where it serves: `kmscourse emulator` and `kmscourse.start()` both export
AWS_ENDPOINT_URL and the learner's credentials for their shells and `!` cells.
"""
from __future__ import annotations

import os
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError

from . import settings
from .awsenv import bypass_proxies_for_loopback
from .course import Course, validate_learner
from .errors import CourseError
from .sessions import new_session

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

NO_EMULATOR = (
    "The emulator backend keeps everything in the memory of the process that started it (a notebook kernel, or "
    "`kmscourse emulator`), so this new process has nothing to act on. To act on a notebook's emulator, run "
    "the command from a `!` cell in that notebook (it inherits AWS_ENDPOINT_URL), or call the Python function "
    "there. To act on a running `kmscourse emulator`, export the AWS_ENDPOINT_URL and credential lines it printed. "
    "For a sandbox account, set KMSCOURSE_BACKEND=aws and KMSCOURSE_ACCOUNT_ID."
)
"""What a command says when there is no backend it can reach."""


def running_emulator() -> Course | None:
    """A Course on the emulator that AWS_ENDPOINT_URL names, or None when it is unset; refuses non-local endpoints."""
    url = os.environ.get("AWS_ENDPOINT_URL", "").strip()
    if not url:
        return None
    if urlparse(url).hostname not in LOOPBACK:
        raise CourseError(
            f"AWS_ENDPOINT_URL is {url}, which is not an emulator on this machine; unset it, or for a real "
            "sandbox account set KMSCOURSE_BACKEND=aws and KMSCOURSE_ACCOUNT_ID."
        )
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    if not key or not secret:
        raise CourseError(
            "AWS_ENDPOINT_URL names a local emulator but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set; "
            "export the lines `kmscourse emulator` printed."
        )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or settings.REGION.get()
    bypass_proxies_for_loopback()  # signed requests and plaintext must never go to an HTTP(S)_PROXY
    session = new_session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
    try:
        identity = session.client("sts", endpoint_url=url).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise CourseError(f"Nothing answered as an emulator at {url} ({exc}); is `kmscourse emulator` still running?") from None
    return Course(
        backend="emulator", session=session, account_id=identity["Account"], region=region,
        identity_arn=identity["Arn"], learner=validate_learner(settings.LEARNER.get()), endpoint_url=url,
    )


def course_for_command() -> Course | None:
    """The sandbox (with start()'s account guard) when KMSCOURSE_BACKEND=aws, else a running local emulator, else None."""
    if settings.BACKEND.get().lower() == "aws":
        from . import start

        return start(quiet=True)
    return running_emulator()
