"""kmscourse: the helper package behind every notebook of the AWS KMS course.

Start every notebook with `course = kmscourse.start()`.
"""
from __future__ import annotations

from . import settings
from .course import Course
from .errors import CourseError, install_notebook_handler

__version__ = "0.1.0"
__all__ = ["Course", "CourseError", "start", "current", "__version__"]

BACKENDS = ("emulator", "aws")

_current: Course | None = None


def start(quiet: bool = False) -> Course:
    """Connect this kernel to the course backend (starting the emulator by default) and print who you are.

    Calling it again in the same kernel returns the same course.
    """
    global _current
    install_notebook_handler()
    if _current is not None and (_current.emulator is None or _current.emulator.running):
        if not quiet:
            print(_current.banner)
        return _current
    backend = settings.BACKEND.get().lower()
    from .course import validate_learner

    learner = validate_learner(settings.LEARNER.get())
    if backend == "emulator":
        from .emulator.launch import launch

        port = settings.PORT.get()
        if not port.isdigit() or int(port) > 65535:
            raise CourseError(f"KMSCOURSE_PORT is '{port}'; use a port number from 1 to 65535, or 0 for any free port.")
        _current = launch(learner, settings.REGION.get(), int(port))
    elif backend == "aws":
        from .sandbox import connect

        _current = connect(learner)
    else:
        raise CourseError(
            f"KMSCOURSE_BACKEND is '{backend}', which the course does not know; set it to one of "
            f"{', '.join(BACKENDS)} (or unset it for the emulator) and restart the kernel."
        )
    if not quiet:
        print(_current.banner)
    return _current


def current() -> Course:
    """The course this kernel started, for helpers that need it."""
    if _current is None:
        raise CourseError("The course is not started in this kernel yet; run `course = kmscourse.start()` first.")
    return _current
