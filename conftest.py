"""Repo-wide pytest setup, for tests/ and for nbval's runs of notebooks/."""
from __future__ import annotations

import os
import tempfile

# Lab checks raise instead of only printing, so an executed notebook whose check fails fails the test.
os.environ["KMSCOURSE_CHECKS_STRICT"] = "1"

# Every check records its result; the suite's records go to a throwaway folder, never the learner's home.
if "KMSCOURSE_PROGRESS_FILE" not in os.environ:
    os.environ["KMSCOURSE_PROGRESS_FILE"] = os.path.join(tempfile.mkdtemp(prefix="kmscourse-progress-"), "progress.jsonl")
