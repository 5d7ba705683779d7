"""Shared fixtures: the repo root and an in-process course on the emulator."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from support import ROOT

# CI replays the same property-test examples every run, so a red CI always reproduces; locally they vary and explore.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


SLOWEST_FIRST = ("test_workshop_hub.py", "test_notebooks.py")
"""The modules whose tests run longest, longest first: scheduled before the rest, so no worker is left alone with one
at the end."""


def _start_order(item: pytest.Item) -> int:
    """SLOWEST_FIRST in its order, then the other notebook executions, the rest of tests/, and emulator/tests last
    (in its own order)."""
    if ROOT / "emulator" in item.path.parents:
        return len(SLOWEST_FIRST) + 2
    if item.path.name in SLOWEST_FIRST:
        return SLOWEST_FIRST.index(item.path.name)
    return len(SLOWEST_FIRST) + (0 if item.get_closest_marker("notebook") else 1)


@pytest.hookimpl(trylast=True)  # after emulator/tests/conftest.py's sort, whose order within emulator/tests it keeps
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long tests first (xdist hands tests out in this order), so the workers finish together; the sort is stable."""
    items.sort(key=_start_order)


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def course():
    """A course on the embedded emulator, started in this test process."""
    import kmscourse

    return kmscourse.start(quiet=True)


@pytest.fixture(autouse=True)
def lenient_checks(request, monkeypatch):
    """In test_checks_* modules, a failed check returns its hints instead of raising (strict mode is for notebooks)."""
    if request.module.__name__.split(".")[-1].startswith("test_checks_"):
        monkeypatch.setenv("KMSCOURSE_CHECKS_STRICT", "0")


@pytest.fixture(scope="session")
def key(course):
    """The course key (lessons 01-02's stack), deployed once per test process."""
    from kmscourse import prereqs

    return prereqs.ensure_course_key(course)
