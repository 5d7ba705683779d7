"""Repo-wide pytest setup: nbval's cells of one notebook must run on one xdist worker, in order."""
from __future__ import annotations

import os

import pytest

# Lab checks raise instead of only printing, so an executed solution that fails its check fails the test.
os.environ["KMSCOURSE_CHECKS_STRICT"] = "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group nbval's per-cell items by notebook (used with `--dist loadgroup`)."""
    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
