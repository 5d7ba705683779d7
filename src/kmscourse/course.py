"""The Course object every notebook holds: which backend, who you are, and clients that reach it."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from .errors import CourseError

if TYPE_CHECKING:
    from kmsemu import Emulator

    from .awsenv import AwsFiles

TAG_KEY = "kmscourse:learner"
"""The tag on everything the course creates; cleanup touches only resources carrying it for this learner."""

_LEARNER_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=60)


def validate_learner(name: str) -> str:
    """Return the learner name if it can prefix AWS resource names, else explain what is allowed."""
    if not _LEARNER_RE.match(name):
        raise CourseError(
            f"KMSCOURSE_LEARNER is '{name}'; use 1-32 lowercase letters, digits or hyphens, starting with a "
            "letter or digit (it prefixes bucket and stack names)."
        )
    return name


@dataclass
class Course:
    """A connected course: `.session`, `.client(name)`, identity, region and backend."""

    backend: str
    session: boto3.Session
    account_id: str
    region: str
    identity_arn: str
    learner: str
    endpoint_url: str | None = None
    emulator: Emulator | None = None
    aws_files: AwsFiles | None = None
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client for `service`, reaching this course's backend (cached per service)."""
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url, config=_CLIENT_CONFIG
            )
        return self._clients[service]

    @property
    def principal_arn(self) -> str:
        """The ARN to name in a key policy: your IAM user, or the role behind an assumed-role session."""
        parts = self.identity_arn.split(":")
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            role = parts[5].split("/")[1]
            return f"arn:{parts[1]}:iam::{parts[4]}:role/{role}"
        return self.identity_arn

    @property
    def prefix(self) -> str:
        """The prefix of every resource name the course creates: `kmscourse-<learner>-`."""
        return f"kmscourse-{self.learner}-"

    def name(self, suffix: str) -> str:
        """A course resource name, such as `kmscourse-learner-key` for suffix `key`."""
        return self.prefix + suffix

    def tags(self, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
        """The course tag in the shape a service wants (KMS says TagKey/TagValue, most others Key/Value)."""
        return [{key: TAG_KEY, value: self.learner}]

    @property
    def banner(self) -> str:
        """One line: backend, account, region and identity."""
        where = "embedded emulator (nothing leaves this machine)" if self.backend == "emulator" else "REAL AWS sandbox account"
        return (
            f"kmscourse | backend: {self.backend}, {where} | account: {self.account_id} | "
            f"region: {self.region} | identity: {self.identity_arn}"
        )

    def advance_clock(self, days: float = 0, hours: float = 0) -> None:
        """Move the emulator's clock forward, so waiting periods pass at once (emulator only)."""
        if self.backend != "emulator":
            raise CourseError(
                "advance_clock works only on the embedded emulator; a real AWS account keeps real time, "
                "so on the sandbox you would have to wait the days out."
            )
        if self.emulator is None:
            raise CourseError(
                "advance_clock works only in the process that runs the emulator (the notebook kernel that called "
                "kmscourse.start()); this process reached an emulator that another process runs."
            )
        self.emulator.advance_clock(days=days, hours=hours)

    def now(self) -> dt.datetime:
        """Now as the backend sees it: the emulator's clock, or real time on AWS (or in another process's emulator)."""
        if self.emulator is not None:
            return self.emulator.now()  # type: ignore[no-any-return]
        return dt.datetime.now(dt.UTC)

    def stop(self) -> None:
        """Stop the emulator (no-op on the sandbox backend)."""
        if self.emulator is not None:
            self.emulator.stop()

    def __repr__(self) -> str:
        return f"<Course {self.backend} {self.identity_arn} {self.region}>"
