"""Repo-wide pytest setup, for tests/ and for nbval's runs of notebooks/."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Lab checks raise instead of only printing, so an executed notebook whose check fails fails the test.
os.environ["KMSCOURSE_CHECKS_STRICT"] = "1"

# Every check records its result; the suite's records go to a throwaway folder, never the learner's home.
# xdist's workers inherit the variable, so the run's process that made the folder also removes it.
_PROGRESS_DIR = None
if "KMSCOURSE_PROGRESS_FILE" not in os.environ:
    _PROGRESS_DIR = tempfile.mkdtemp(prefix="kmscourse-progress-")
    os.environ["KMSCOURSE_PROGRESS_FILE"] = os.path.join(_PROGRESS_DIR, "progress.jsonl")


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the throwaway progress folder this process made, once the run is over."""
    if _PROGRESS_DIR is not None and not hasattr(config, "workerinput"):
        shutil.rmtree(_PROGRESS_DIR, ignore_errors=True)
