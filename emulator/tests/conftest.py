"""kmsemu's own tests: the conformance suite, the moto contract tests, the attacks, the standalone imports.

moto's state belongs to the process, so one Emulator runs in it. The tests on the shared one (the `course`
fixture, conformance/backend.py, which joins an Emulator another suite in this run already started) run first;
then each module that starts an Emulator of its own finds none running (`_no_emulator_running`). So that no
test needs an emulator after it was stopped, pytest_collection_modifyitems orders the run: other suites, the
shared-emulator tests, the rest. pytest-xdist keeps that order on each worker.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "conformance"))  # backend.py, importable by every emulator test module

import backend  # noqa: E402
from fidelity_record import pytest_collection_finish, pytest_runtest_logreport, pytest_sessionfinish  # noqa: E402,F401  (hooks)

import kmsemu  # noqa: E402

# CI replays the same property-test examples every run, so a red CI always reproduces; locally they vary and explore.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def _run_order(item: pytest.Item) -> int:
    """0: tests outside emulator/tests; 1: emulator tests on the shared Emulator; 2: the other emulator tests."""
    if HERE not in item.path.parents:
        return 0
    return 1 if "course" in getattr(item, "fixturenames", ()) else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the run so that no test needs an emulator that an earlier module stopped (the sort is stable)."""
    items.sort(key=_run_order)


@pytest.fixture(scope="session")
def course() -> backend.Backend:
    """This process's in-process Emulator, signed in as an administrator (conformance/ may pick AWS instead)."""
    return backend.shared("emulator")


@pytest.fixture(scope="module", autouse=True)
def _no_emulator_running(request: pytest.FixtureRequest) -> None:
    """Before a module that does not use the shared emulator (and may start its own), stop the one running."""
    if any(_run_order(item) == 1 for item in request.session.items if item.path == request.path):
        return
    found = kmsemu.running()
    if found is not None:
        found.stop()


@pytest.fixture(scope="session", autouse=True)
def _members_removed() -> Iterator[None]:
    """At the end, delete the IAM users the backends made (on AWS they would outlive the run)."""
    yield
    for started in list(backend._shared.values()):
        started.close()
