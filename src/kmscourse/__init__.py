"""kmscourse: the helper package behind every notebook of the AWS KMS course.

Start every notebook with `course = kmscourse.start()`.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from . import settings
from .errors import CourseError, install_notebook_handler

if TYPE_CHECKING:
    from .course import Course

__version__ = "0.1.0"
__all__ = ["Course", "CourseError", "start", "current", "__version__"]

BACKENDS = ("emulator", "aws")

_current: Course | None = None


def _not_installed(exc: ModuleNotFoundError) -> CourseError:
    """The sentence for running outside the course environment."""
    return CourseError(
        f"This Python ({sys.executable}) lacks '{exc.name}', so it is not the course environment: run `make lab` "
        "in the course folder (or `pip install -e .`), and choose the kernel of the course's .venv."
    )


def start(quiet: bool = False, lesson: str | None = None) -> Course:
    """Connect this kernel to the course backend (starting the emulator by default) and print who you are.

    `lesson` names the lesson this kernel runs (its number, such as "08"). On the emulator it seeds the ids, so a
    lesson's keys get ids that no other lesson shows, the same ones on every run; on a sandbox account it changes
    nothing. Calling start() again in the same kernel returns the same course.
    """
    global _current
    install_notebook_handler()
    if _current is not None and (_current.emulator is None or _current.emulator.running):
        if not quiet:
            print(_current.banner)
        return _current
    try:
        from .course import validate_learner
    except ModuleNotFoundError as exc:
        raise _not_installed(exc) from None
    backend = settings.BACKEND.get().lower()
    if backend not in BACKENDS:
        raise CourseError(
            f"KMSCOURSE_BACKEND is '{backend}', which the course does not know; set it to one of "
            f"{', '.join(BACKENDS)} (or unset it for the emulator) and restart the kernel."
        )
    learner = validate_learner(settings.LEARNER.get())
    if lesson is not None and (not isinstance(lesson, str) or not lesson.strip()):
        raise CourseError(f"lesson is {lesson!r}; pass the lesson's number as a string, for example lesson=\"08\".")
    from .awsenv import put_course_tools_first

    put_course_tools_first()
    try:
        if backend == "emulator":
            from .launch import launch

            port = settings.PORT.get()
            if not port.isdigit() or int(port) > 65535:
                raise CourseError(f"KMSCOURSE_PORT is '{port}'; use a port number from 1 to 65535, or 0 for any free port.")
            _current = launch(learner, settings.REGION.get(), int(port), lesson=lesson)
        else:
            from .sandbox import connect

            _current = connect(learner)
    except ModuleNotFoundError as exc:
        raise _not_installed(exc) from None
    if not quiet:
        print(_current.banner)
    return _current


def current() -> Course:
    """The course this kernel started, for helpers that need it."""
    if _current is None:
        raise CourseError("The course is not started in this kernel yet; run `course = kmscourse.start()` first.")
    return _current


def _preload() -> None:
    """Import boto3 and moto's server now, so the notebook's `start()` line only starts things.

    A Python without them still imports kmscourse; start() then explains what to install.
    """
    try:
        import boto3  # noqa: F401
        import moto.moto_server.werkzeug_app  # noqa: F401

        from . import launch  # noqa: F401  (kmsemu and its moto patches)
    except ModuleNotFoundError:
        pass


_preload()


def __getattr__(name: str) -> Any:
    """Import `Course` lazily, so `kmscourse` (and its CLI) can explain a missing install instead of crashing."""
    if name == "Course":
        from .course import Course

        return Course
    raise AttributeError(f"module 'kmscourse' has no attribute {name!r}")
