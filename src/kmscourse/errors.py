"""The one exception a learner should ever see from the course, shown as a single sentence."""
from __future__ import annotations

import sys
from typing import Any


class CourseError(Exception):
    """A mistake the learner can fix; its message says what to do."""


def _show(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
    """IPython handler: print the sentence, not the traceback."""
    print(f"kmscourse: {value}", file=sys.stderr)


def install_notebook_handler() -> None:
    """Show CourseError in IPython as one line instead of a traceback wall."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: the message is still the last line of the traceback
        return
    shell = get_ipython()
    if shell is not None:
        from kmsemu import EmulatorError

        shell.set_custom_exc((CourseError, EmulatorError), _show)
