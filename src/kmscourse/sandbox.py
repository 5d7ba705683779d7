"""The sandbox backend: a real AWS account, behind a guard that proves it is the account you meant."""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from . import settings
from .awsenv import AwsFiles, use_course_files
from .course import Course
from .errors import CourseError
from .sessions import new_session


def connect(learner: str) -> Course:
    """Connect to the sandbox account named by KMSCOURSE_ACCOUNT_ID, or refuse with what to fix."""
    expected = settings.ACCOUNT_ID.get()
    if not expected:
        raise CourseError(
            "KMSCOURSE_BACKEND=aws needs KMSCOURSE_ACCOUNT_ID set to your sandbox account's 12-digit id, so the "
            "course can check it is talking to that account; set it (export KMSCOURSE_ACCOUNT_ID=...) and restart the kernel."
        )
    if not re.fullmatch(r"\d{12}", expected):
        raise CourseError(f"KMSCOURSE_ACCOUNT_ID is '{expected}'; it must be the 12-digit account id, digits only.")
    session = new_session()
    region = session.region_name or settings.REGION.get()
    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except NoCredentialsError:
        raise CourseError(
            "No AWS credentials were found for the sandbox backend; configure a profile (aws configure) and set "
            "AWS_PROFILE, or unset KMSCOURSE_BACKEND to use the emulator."
        ) from None
    except (ClientError, BotoCoreError) as exc:
        raise CourseError(f"Could not ask AWS who you are ({exc}); check your credentials and network, then restart the kernel.") from None
    actual = identity["Account"]
    if actual != expected:
        raise CourseError(
            f"Your credentials belong to account {actual}, but KMSCOURSE_ACCOUNT_ID is {expected}; the course will not "
            "touch an account you did not name. Switch to the sandbox profile, or correct KMSCOURSE_ACCOUNT_ID."
        )
    files = AwsFiles(Path(tempfile.mkdtemp(prefix="kmscourse-aws-")), None, region)
    atexit.register(shutil.rmtree, files.directory, True)
    frozen = session.get_credentials().get_frozen_credentials()
    use_course_files(files, frozen.access_key, frozen.secret_key, frozen.token)
    return Course(
        backend="aws", session=session, account_id=actual, region=region,
        identity_arn=identity["Arn"], learner=learner, aws_files=files,
    )
