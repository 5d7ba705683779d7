"""Every lesson notebook as a cohort learner: the sandbox backend, with templates/cohort-learner.yaml's permissions.

The session's emulator stands in for the sandbox account (as in test_sandbox_guard.py); the instructor provisions one
learner (with a partner account for lesson 12, as KMSCOURSE_PARTNER_ROLE_ARN), and each lesson runs from a fresh
kernel with that learner's credentials file, in course order. Marked
`cohort_lessons` and left out of `make test` (about 100 s); `make test-cohort-lessons` runs it, and CI does.
"""
from __future__ import annotations

import nbformat
import pytest
from support import ROOT

from kmscourse import cohort_identities, partner, runner

LEARNER = "nb-cohort"

SKIPPED = {
    "11-auditing-key-use.ipynb": "on the sandbox backend it waits up to 15 minutes for CloudTrail to deliver events "
                                 "(audit.AWS_DELIVERY_SECONDS); its helpers run as a cohort learner in test_cohort_abac.py",
}
"""Lessons not run here, and why."""

REFUSED: dict[str, str] = {}
"""Lessons that stop under the cohort policy, with the words of the refusal; any other change fails this test."""


@pytest.mark.cohort_lessons
def test_every_lesson_as_a_cohort_learner(course, tmp_path, monkeypatch) -> None:
    account = partner._create_account(course)  # the instructor's second account, its role trusting this one
    monkeypatch.setenv("KMSCOURSE_PARTNER_ROLE_ARN", f"arn:aws:iam::{account}:role/{partner.ACCESS_ROLE}")
    files = cohort_identities.provision(course, [LEARNER], tmp_path / "credentials", echo=lambda line: None)
    env = {**cohort_identities.read_env(files[0]), "AWS_ENDPOINT_URL": str(course.endpoint_url), "KMSCOURSE_CHECKS_STRICT": "1"}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)  # the learner's own credentials, nothing of the instructor's
    unexpected: dict[str, str] = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        if path.name in SKIPPED:
            continue
        executed, outcome = runner.execute(path, extra_env=env)
        words = REFUSED.get(path.name)
        if words is None and outcome.error:
            unexpected[path.name] = outcome.error
        elif words is not None and not (outcome.error and words in _said(executed)):
            unexpected[path.name] = f"expected to stop with {words!r}; {outcome.error or 'it ran green'}"
    assert not unexpected, unexpected


def _said(executed: nbformat.NotebookNode) -> str:
    """Everything the executed notebook's cells printed, errors included."""
    return "\n".join(str(out.get("text", "")) + str(out.get("evalue", ""))
                     for cell in executed.cells if cell.cell_type == "code" for out in cell.get("outputs", []))
