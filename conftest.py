"""Repo-wide pytest setup, for tests/ and for nbval's runs of notebooks/."""
from __future__ import annotations

import os

# Lab checks raise instead of only printing, so an executed notebook whose check fails fails the test.
os.environ["KMSCOURSE_CHECKS_STRICT"] = "1"
