"""The conformance suite: each test states an AWS behaviour, cites its AWS documentation page, and proves it.

Runs on an in-process kmsemu Emulator by default; with KMSEMU_BACKEND=aws (and KMSEMU_ACCOUNT_ID) the same tests
run against a real account (backend.py). Tests marked `emulator_only` (they need the emulator clock) are not
selected on AWS, and tests marked `aws_only` are not selected on the emulator: neither is ever a skip.
The fidelity table (emulator/src/kmsemu/data/fidelity.json) is recorded from this suite's results by fidelity_record.py,
whose hooks ../conftest.py registers (that conftest is loaded wherever the run starts, even in xdist's controller).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from backend import ON_AWS, Backend, shared
from botocore.config import Config
from fidelity_record import WRITE_ENV
from resources import Resources


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
def course() -> Backend:
    """The configured backend: this process's Emulator, or the real account KMSEMU_BACKEND=aws names."""
    return shared()


@pytest.fixture(scope="session")
def kms(course: Backend) -> Any:
    """A KMS client for the backend."""
    return course.client("kms")


@pytest.fixture(scope="session")
def raw_kms(course: Backend) -> Any:
    """A KMS client that sends parameters unchecked, to see the server's own validation."""
    return course.session.client("kms", region_name=course.region, endpoint_url=course.endpoint_url,
                                 config=Config(parameter_validation=False, retries={"max_attempts": 1}))


@pytest.fixture
def made(course: Backend) -> Iterator[Resources]:
    """This test's resources, cleaned up afterwards."""
    resources = Resources(course)
    yield resources
    resources.close()
