"""What a conformance test makes (keys, aliases, anything with a cleanup), removed after it; and two small checks."""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from backend import Backend
from botocore.exceptions import ClientError

DELETION_WINDOW_ON_AWS = 7


class Resources:
    """Creates uniquely named, suite-tagged resources and cleans them up (keys: deletion in 7 days)."""

    def __init__(self, course: Backend) -> None:
        self.course = course
        self.kms = course.client("kms")
        self.keys: list[str] = []
        self.aliases: list[str] = []
        self.cleanups: list[Callable[[], None]] = []

    def unique(self, suffix: str) -> str:
        """A resource name of the suite that no other test or run uses."""
        return self.course.name(f"{suffix}-{uuid.uuid4().hex[:8]}")

    def key(self, **kwargs: Any) -> dict[str, Any]:
        """Create a KMS key tagged for the suite; returns its KeyMetadata."""
        kwargs.setdefault("Description", self.unique("conformance"))
        meta: dict[str, Any] = self.kms.create_key(Tags=self.course.tags("TagKey", "TagValue"), **kwargs)["KeyMetadata"]
        self.keys.append(meta["KeyId"])
        return meta

    def alias(self, key_id: str) -> str:
        """Create an alias for the key; returns the alias name."""
        name = "alias/" + self.unique("alias")
        self.kms.create_alias(AliasName=name, TargetKeyId=key_id)
        self.aliases.append(name)
        return name

    def close(self) -> None:
        """Remove what the test made; keys are scheduled for deletion (7 days) when not already."""
        for cleanup in reversed(self.cleanups):
            _quietly(cleanup)
        for name in self.aliases:
            _quietly(lambda: self.kms.delete_alias(AliasName=name))
        for key_id in self.keys:
            _quietly(lambda: self.kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=DELETION_WINDOW_ON_AWS))


def _quietly(action: Callable[[], Any]) -> None:
    """Run a cleanup step; one that AWS refuses (already gone, already scheduled) is skipped."""
    try:
        action()
    except ClientError:
        pass


def backend_now(course: Backend) -> dt.datetime:
    """Now, as the backend sees it: the emulator clock, or real time on AWS."""
    return course.now()


def error_code(call: Callable[..., Any], **kwargs: Any) -> str:
    """The AWS error code a call fails with (the test fails if it succeeds)."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return str(info.value.response["Error"]["Code"])
