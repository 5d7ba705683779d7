"""What each lesson needs from earlier ones, created idempotently so any lesson can be opened first."""
from __future__ import annotations

from dataclasses import dataclass

from . import stacks
from .course import Course

KEY_TEMPLATE = "course-key.yaml"
"""Lesson 01-02's template: the course key with its key policy and alias."""


@dataclass(frozen=True)
class CourseKey:
    """The course key from lessons 01-02: its stack, id, ARN and alias."""

    stack: str
    key_id: str
    key_arn: str
    alias: str


def key_stack_name(course: Course) -> str:
    """The name of the course key's stack: `kmscourse-<learner>-key`."""
    return course.name("key")


def default_alias(course: Course) -> str:
    """The course key's alias: `alias/kmscourse-<learner>-key`."""
    return f"alias/{course.name('key')}"


def ensure_course_key(course: Course) -> CourseKey:
    """Deploy (or reuse) the lesson 01-02 stack and return the course key."""
    out = stacks.deploy(
        course,
        key_stack_name(course),
        stacks.template(KEY_TEMPLATE),
        {"LearnerArn": course.principal_arn, "AliasName": default_alias(course), "LearnerTag": course.learner},
    )
    return CourseKey(key_stack_name(course), out["KeyId"], out["KeyArn"], out["AliasName"])
