"""Shared fixtures: the repo root and an in-process course on the emulator."""
from __future__ import annotations

from pathlib import Path

import pytest

from support import ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def course():
    """A course on the embedded emulator, started in this test process."""
    import kmscourse

    return kmscourse.start(quiet=True)
