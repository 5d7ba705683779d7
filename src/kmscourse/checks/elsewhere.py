"""For the "wrong region" hint: look for the learner's resource in the other commonly used regions."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ..course import _CLIENT_CONFIG, Course

COMMON_REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1")
"""The regions searched when something is missing from the course's region (only on a failure)."""


def client(course: Course, service: str, region: str) -> Any:
    """A client for `service` in `region`, as the learner, reaching the course backend."""
    return course.session.client(service, region_name=region, endpoint_url=course.endpoint_url, config=_CLIENT_CONFIG)


def find_region(course: Course, service: str, probe: Callable[[Any], bool]) -> str | None:
    """The first other region where `probe(client)` is true (errors count as not found), or None."""
    for region in COMMON_REGIONS:
        if region == course.region:
            continue
        try:
            if probe(client(course, service, region)):
                return region
        except ClientError:
            continue
    return None
