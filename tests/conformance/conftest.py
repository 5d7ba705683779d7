"""The conformance suite: each test states an AWS behaviour, cites its AWS documentation page, and proves it.

Runs on the emulator by default; with KMSCOURSE_BACKEND=aws (and KMSCOURSE_ACCOUNT_ID) the same tests run
against a real sandbox account. Tests marked `emulator_only` (they need the emulator clock) are not selected
on AWS, and tests marked `aws_only` are not selected on the emulator: neither is ever a skip.
The fidelity table (src/kmscourse/data/fidelity.json) is recorded from this suite's results by fidelity_record.py.
"""
from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any, Callable, Iterator

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import kmscourse
from kmscourse import settings

from fidelity_record import WRITE_ENV, pytest_collection_finish, pytest_runtest_logreport, pytest_sessionfinish  # noqa: E402,F401  (hooks)

ON_AWS = settings.BACKEND.get().strip().lower() == "aws"
DELETION_WINDOW_ON_AWS = 7


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "behaviour(name): the AWS behaviour a conformance test proves (a fidelity table row)")
    config.addinivalue_line("markers", "emulator_only(why): needs the emulator (its clock); not selected on aws")
    config.addinivalue_line("markers", "aws_only(why): needs a real account; not selected on the emulator")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (never skip) the tests that cannot run on this backend."""
    unwanted = "emulator_only" if ON_AWS else "aws_only"
    writing = os.environ.get(WRITE_ENV) == "1"  # make fidelity: the table checks would read the file being replaced

    def wanted(item: pytest.Item) -> bool:
        return item.get_closest_marker(unwanted) is None and not (writing and item.path.name == "test_fidelity_table.py")

    keep = [i for i in items if wanted(i)]
    dropped = [i for i in items if not wanted(i)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def course() -> Any:
    """The course on the configured backend (`kmscourse.start()`)."""
    return kmscourse.start(quiet=True)


@pytest.fixture(scope="session")
def kms(course: Any) -> Any:
    """A KMS client for the course backend."""
    return course.client("kms")


@pytest.fixture(scope="session")
def raw_kms(course: Any) -> Any:
    """A KMS client that sends parameters unchecked, to see the server's own validation."""
    return course.session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url,
                                 config=Config(parameter_validation=False, retries={"max_attempts": 1}))


class Resources:
    """Creates uniquely named, course-tagged resources and cleans them up (keys: deletion in 7 days)."""

    def __init__(self, course: Any) -> None:
        self.course = course
        self.kms = course.client("kms")
        self.keys: list[str] = []
        self.aliases: list[str] = []
        self.cleanups: list[Callable[[], None]] = []

    def unique(self, suffix: str) -> str:
        """A course resource name that no other test or run uses."""
        return self.course.name(f"{suffix}-{uuid.uuid4().hex[:8]}")

    def key(self, **kwargs: Any) -> dict[str, Any]:
        """Create a KMS key tagged for the course; returns its KeyMetadata."""
        kwargs.setdefault("Description", self.unique("conformance"))
        meta = self.kms.create_key(Tags=self.course.tags("TagKey", "TagValue"), **kwargs)["KeyMetadata"]
        self.keys.append(meta["KeyId"])
        return meta

    def alias(self, key_id: str) -> str:
        """Create an alias for the key; returns the alias name."""
        name = "alias/" + self.unique("alias")
        self.kms.create_alias(AliasName=name, TargetKeyId=key_id)
        self.aliases.append(name)
        return name

    def close(self) -> None:
        """Remove what the test made; keys are scheduled for deletion (7 days) when not already."""
        for cleanup in reversed(self.cleanups):
            _quietly(cleanup)
        for name in self.aliases:
            _quietly(lambda: self.kms.delete_alias(AliasName=name))
        for key_id in self.keys:
            _quietly(lambda: self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=DELETION_WINDOW_ON_AWS))


def _quietly(action: Callable[[], Any]) -> None:
    try:
        action()
    except ClientError:
        pass


@pytest.fixture
def made(course: Any) -> Iterator[Resources]:
    """This test's resources, cleaned up afterwards."""
    resources = Resources(course)
    yield resources
    resources.close()


def backend_now(course: Any) -> dt.datetime:
    """Now, as the backend sees it: the emulator clock, or real time on AWS."""
    if course.backend == "emulator":
        from kmsemu import clock

        return clock.now()
    return dt.datetime.now(dt.timezone.utc)


def error_code(call: Callable[..., Any], **kwargs: Any) -> str:
    """The AWS error code a call fails with (the test fails if it succeeds)."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return str(info.value.response["Error"]["Code"])
