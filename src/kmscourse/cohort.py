"""A workshop's cohort: the learner names in a cohort file, and cleanup and cost over all of them.

Cleanup also removes each learner's sandbox identity (stack kmscourse-cohort-<learner>, cohort_identities.py) after
their course resources, so an interrupted run still finds the learner's resources by their tag next time.

A cohort file has one learner name per line (the `KMSCOURSE_LEARNER` each learner uses); blank lines and `#`
comments are ignored. Every name is checked before anything is touched, so a typo stops the run with the line it is
on, not half-way through a teardown.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from . import cleanup, cohort_identities, costs
from .course import Course, validate_learner
from .errors import CourseError


def read(path: Path) -> list[str]:
    """The learner names in the cohort file, in order; one clear sentence for a missing file or a bad line."""
    if not path.is_file():
        raise CourseError(f"There is no cohort file at {path}; write one learner name per line (# starts a comment).")
    names: list[str] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        try:
            validate_learner(name)
        except CourseError:
            raise CourseError(f"{path.name} line {number}: {name!r} is not a learner name; use 1-32 lowercase letters, "
                              "digits or hyphens, as in KMSCOURSE_LEARNER. Nothing was changed.") from None
        if name in names:
            raise CourseError(f"{path.name} line {number}: {name!r} is listed twice; list each learner once. Nothing was changed.")
        names.append(name)
    if not names:
        raise CourseError(f"{path} lists no learner; write one learner name per line.")
    return names


def as_learner(course: Course, learner: str) -> Course:
    """The same backend and identity, acting for another learner (their prefix and tag)."""
    return dataclasses.replace(course, learner=learner, _clients={})


def teardown(course: Course, learners: list[str], dry_run: bool = False,
             echo: Callable[[str], None] | None = None) -> dict[str, cleanup.Report]:
    """Each learner's teardown in turn (safe to rerun, and after an interruption); {learner: report}."""
    reports = {}
    for learner in learners:
        if echo:
            echo(f"== {learner}")
        report = cleanup.teardown(as_learner(course, learner), dry_run=dry_run, echo=echo)
        done, left = cohort_identities.retire(as_learner(course, learner), dry_run)  # last: the learner's own identity
        for line in done:
            if echo:
                echo(f"  - {line}")
        report.done += done
        report.survivors += left
        reports[learner] = report
    return reports


def survivors(reports: dict[str, cleanup.Report]) -> list[str]:
    """Every resource that survived, as 'learner: resource'."""
    return [f"{learner}: {item}" for learner, report in reports.items() for item in report.survivors]


def monthly_usd(course: Course, learners: list[str]) -> dict[str, float]:
    """Each learner's key charges per month now, by the cost card ({learner: USD})."""
    return {learner: sum(k.monthly_usd for k in costs.key_costs(as_learner(course, learner))) for learner in learners}
