"""Every request the course's own helpers send passes step 5's model validation and S3's bucket naming rules.

The lessons build their resources through these helpers (prereqs, cast, teams, incident, partner, buckets, cleanup),
so a parameter the validator refused would break a lesson; here each is run on the emulator with the validators
watched, and none may refuse anything.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from support import ROOT

from kmsemu import request_validation
from kmsemu.errors import AwsError
from kmsemu.s3 import bucket_names, sse

PURPOSE = re.compile(r"(?:ensure_bucket|bucket_name)\(course, \\?[\"']([a-z0-9-]+)\\?[\"']")


def _watched(found: list[str], check: Callable[[Any], None], describe: Callable[[Any, AwsError], str]) -> Callable[[Any], None]:
    """`check`, recording in `found` what it refuses before raising it again."""

    def watched(value: Any) -> None:
        try:
            check(value)
        except AwsError as error:
            found.append(describe(value, error))
            raise

    return watched


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the model validation and the bucket name check refused while the test ran."""
    found: list[str] = []
    monkeypatch.setattr(request_validation, "validate", _watched(
        found, request_validation.validate, lambda r, e: f"{r.service} {r.operation}: {e.code} {e.message}"))
    monkeypatch.setattr(sse, "check_bucket_name", _watched(
        found, sse.check_bucket_name, lambda name, e: f"s3 CreateBucket {name}: {e.code}"))
    yield found


def test_course_helpers_send_only_valid_parameters(course: Any, refusals: list[str]) -> None:
    """The course key's stack, the cast, lab 11's incident, lab 12's teams, the partner account, the trail bucket
    and the teardown: no request among them is refused by the model validation. As a learner of its own, so the
    teardown leaves the other tests' course key alone."""
    from test_cleanup import as_learner

    from kmscourse import buckets, cast, cleanup, incident, partner, prereqs, teams

    course = as_learner(course, "inputs")
    prereqs.ensure_course_key(course)
    cast.colleague(course)
    cast.outsider(course)
    incident.stage(course)
    teams.stage(course)
    partner.partner(course)
    buckets.ensure_bucket(course, "trail", fresh=False)
    cleanup.teardown(course)
    assert refusals == []


def test_every_course_bucket_name_follows_the_naming_rules(course: Any) -> None:
    """Every bucket purpose a lesson, solution or helper names gives a valid bucket name, also for the longest learner."""
    texts = [p.read_text() for folder in ("src", "notebooks", "solutions") for p in (ROOT / folder).rglob("*.py")]
    texts += [p.read_text() for folder in ("notebooks", "solutions") for p in (ROOT / folder).rglob("*.ipynb")]
    purposes = {m for text in texts for m in PURPOSE.findall(text)}
    assert {"trail", "lab11", "lab12", "lab05"} <= purposes
    longest = "a" + "-" * 30 + "z"  # 32 characters, as the learner name's rule allows
    for purpose in sorted(purposes):
        for learner in (course.learner, "0", longest):
            name = f"kmscourse-{learner}-{purpose}-{course.account_id}"
            assert len(name) > 63 or bucket_names.is_valid(name), name


def test_the_watch_sees_a_refusal(course: Any, refusals: list[str]) -> None:
    """The watch works: a CreateUser without UserName and a bucket named A_B are both recorded."""
    from botocore.config import Config
    from botocore.exceptions import ClientError

    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    iam = course.session.client("iam", region_name=course.region, endpoint_url=course.endpoint_url, config=config)
    s3 = course.session.client("s3", region_name=course.region, endpoint_url=course.endpoint_url, config=config)
    with pytest.raises(ClientError):
        iam.create_user()
    with pytest.raises(ClientError):
        s3.create_bucket(Bucket="A_B", CreateBucketConfiguration={"LocationConstraint": course.region})
    assert len(refusals) == 2 and refusals[0].startswith("iam CreateUser: ValidationError"), refusals
