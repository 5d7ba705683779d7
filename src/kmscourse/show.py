"""Notebook display helpers: negative demonstrations that must fail, and markdown tables."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from botocore.exceptions import ClientError

from .errors import CourseError


class Refusal:
    """What AWS said when it refused a call inside `expect_error` (filled in when the block fails)."""

    code: str = ""
    message: str = ""


@contextmanager
def expect_error(*codes: str) -> Iterator[Refusal]:
    """Run a block that must be refused with one of `codes`; print the refusal, and fail loudly if it succeeds."""
    refusal = Refusal()
    try:
        yield refusal
    except ClientError as exc:
        refusal.code = exc.response.get("Error", {}).get("Code", "")
        refusal.message = exc.response.get("Error", {}).get("Message", "")
        if codes and refusal.code not in codes:
            raise CourseError(
                f"Expected AWS to refuse with {' or '.join(codes)}, but it said {refusal.code}: {refusal.message}"
            ) from None
        print(f"Refused, as expected: {refusal.code}: {refusal.message}")
        return
    raise CourseError(
        f"This call was expected to fail with {' or '.join(codes) or 'an error'}, but it succeeded; "
        "the demonstration did not show what it claims, so the lesson stops here."
    )


@contextmanager
def expect_exception(*types: type[BaseException]) -> Iterator[None]:
    """Like `expect_error`, for a local check that must fail (AES-GCM's InvalidTag, ...): print it, or stop loudly."""
    names = " or ".join(t.__name__ for t in types)
    try:
        yield
    except types as exc:
        print(f"Refused, as expected: {type(exc).__name__}{': ' + str(exc) if str(exc) else ''}")
        return
    raise CourseError(
        f"This step was expected to fail with {names}, but it succeeded; "
        "the demonstration did not show what it claims, so the lesson stops here."
    )


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table from a header and rows (pipes inside cells are escaped)."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def display_markdown(text: str) -> None:
    """Render markdown in a notebook (or print it elsewhere)."""
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:
        print(text)
