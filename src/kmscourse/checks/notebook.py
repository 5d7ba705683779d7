"""What a check reads from the learner's notebook itself: answers by name, the commands run, the last error shown.

A lab's check cell is just `labNN.check(course)`: it names no variable an exercise cell defines, so it cannot die
with a NameError when it runs before its exercise, after a failed one, or out of order. Each answer the cell does
not pass is looked up here by name, and a missing one becomes a failed item that says which exercise sets it.
Lessons and tests pass their values explicitly, as before.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from .result import CheckResult


class _NotSet:
    """The value of an answer that was neither passed to the check nor defined in the notebook."""

    def __repr__(self) -> str:
        return "(not set)"


NOT_SET: Any = _NotSet()
"""The default of every answer a check reads from the notebook when the check cell does not pass it."""


def namespace() -> Mapping[str, Any]:
    """The notebook's variables (IPython's user namespace), or an empty mapping outside a notebook."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    return shell.user_ns if shell is not None else {}


def answer(value: Any, name: str) -> Any:
    """`value` when the check cell passed it, else the notebook's variable `name`, else NOT_SET."""
    return value if value is not NOT_SET else namespace().get(name, NOT_SET)


def is_set(value: Any) -> bool:
    """True unless the answer is NOT_SET."""
    return value is not NOT_SET


def require(result: CheckResult, value: Any, name: str, step: str, item: str | None = None) -> bool:
    """True when the answer is set; otherwise record a failed item saying which step (`do Exercise 2`) defines it."""
    if value is not NOT_SET:
        return True
    result.add(item or f"{name} is defined", False, f"{name} is not defined yet: {step} first (its cell defines {name}).")
    return False


def commands(pattern: str) -> list[str]:
    """The notebook's shell (`!`) commands run so far that match the regular expression, newest first, with any
    `{python}` values expanded as IPython expanded them."""
    ns = namespace()
    found = []
    for source in reversed(list(ns.get("In", []) or [])):
        for line in str(source).splitlines():
            call = re.search(r"get_ipython\(\)\.system\((['\"])(.*)\1\)", line)
            text = call.group(2) if call else line.strip().removeprefix("!")
            if re.search(pattern, text):
                found.append(_expand(text, ns))
    return found


def _expand(command: str, ns: Mapping[str, Any]) -> str:
    """A `!` command with its `{expression}` parts evaluated in the notebook, as IPython's var_expand does."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return str(shell.var_expand(command, depth=0))
    except ImportError:
        pass
    return command


def last_error() -> BaseException | None:
    """The exception the last failed cell showed (IPython keeps it in sys.last_value), or None."""
    value = getattr(sys, "last_value", None)
    return value if isinstance(value, BaseException) else None


def quoted_number(value: Any, name: str, parameter: str) -> str | None:
    """The hint for a number written in quotes (boto3 refuses it before KMS sees it), or None for anything else."""
    if not isinstance(value, str):
        return None
    return (f"your {name} is the string {value!r}; {parameter} takes a number, so boto3 refused the call before it "
            "reached KMS (ParamValidationError). Write it without quotes, as an int.")
