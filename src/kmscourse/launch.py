"""Start kmsemu through its public API and connect a Course to it as the learner."""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import zlib
from pathlib import Path

from kmsemu import Emulator, EmulatorError

from .awsenv import AwsFiles, bypass_proxies_for_loopback, point_at_emulator
from .course import TAG_KEY, Course
from .errors import CourseError
from .sessions import new_session


def lesson_seed(lesson: str) -> int:
    """The emulator seed for one lesson: fixed, so its ids repeat on every run, and its own, so no other lesson shows them."""
    return zlib.crc32(lesson.strip().encode()) % 2**31


def launch(learner: str, region: str, port: int = 0, lesson: str | None = None) -> Course:
    """Serve a fresh, seeded emulator, create the learner (AdministratorAccess) and point this process at it.

    `lesson` (a lesson's number, such as "08") seeds the emulator's ids for that lesson; without it the emulator's
    default seed applies.
    """
    bypass_proxies_for_loopback()
    try:
        emulator = (Emulator(port) if lesson is None else Emulator(port, seed=lesson_seed(lesson))).start()
    except EmulatorError as error:
        raise CourseError(f"{error} (the course reads the port from KMSCOURSE_PORT)") from None
    creds = emulator.create_user(learner, tags={TAG_KEY: learner})
    profile = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
    if profile:
        print(f"kmscourse: AWS_PROFILE={profile} is not used on the emulator; the course signs in as its own learner.",
              file=sys.stderr)
    directory = Path(tempfile.mkdtemp(prefix="kmscourse-aws-"))
    atexit.register(shutil.rmtree, directory, True)
    files = AwsFiles(directory, emulator.url, region)
    point_at_emulator(files, creds.access_key_id, creds.secret_access_key)  # also drops AWS_PROFILE from os.environ
    session = new_session(aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
                          region_name=region)
    return Course(
        backend="emulator", session=session, account_id=creds.account_id, region=region,
        identity_arn=creds.user_arn, learner=learner, endpoint_url=emulator.url,
        emulator=emulator, aws_files=files,
    )
