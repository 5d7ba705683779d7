"""What a lab check returns: one line per item, pass or fail, with one specific hint per failure."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import settings
from ..errors import CourseError

NO_MATH = "mathjax_ignore tex2jax_ignore"
"""The classes MathJax 3 and MathJax 2 skip: JupyterLab typesets no math inside an element that has them."""


@dataclass(frozen=True)
class Item:
    """One checked fact: what was checked, whether it held, and what to try if not."""

    name: str
    passed: bool
    hint: str = ""


@dataclass
class CheckResult:
    """The outcome of a lab check; it shows itself as a pass/fail list in a notebook."""

    lab: str
    items: list[Item] = field(default_factory=list)

    def add(self, name: str, passed: bool, hint: str = "") -> bool:
        """Record one item; the hint is shown only when it failed."""
        self.items.append(Item(name, bool(passed), "" if passed else hint))
        return bool(passed)

    @property
    def passed(self) -> bool:
        """True when every item passed (and there was at least one)."""
        return bool(self.items) and all(i.passed for i in self.items)

    @property
    def failures(self) -> list[Item]:
        """The items that failed."""
        return [i for i in self.items if not i.passed]

    def hints(self) -> list[str]:
        """The hints of the failed items, in order."""
        return [i.hint for i in self.failures]

    def summary(self) -> str:
        """One line: how many items passed."""
        ok = sum(i.passed for i in self.items)
        verdict = "all checks passed" if self.passed else f"{len(self.failures)} to fix"
        return f"{self.lab}: {ok} of {len(self.items)} passed, {verdict}."

    def __str__(self) -> str:
        lines = []
        for item in self.items:
            lines.append(f"{'PASS' if item.passed else 'FAIL'}  {item.name}")
            if not item.passed and item.hint:
                lines.append(f"      hint: {item.hint}")
        lines.append(self.summary())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The list as HTML; each mark has its word (PASS/FAIL) beside it, for screens and readers without emoji."""
        rows = []
        for item in self.items:
            mark, word = ("✅", "PASS") if item.passed else ("❌", "FAIL")
            hint = f"<br><em>Hint:</em> {html.escape(item.hint)}" if not item.passed and item.hint else ""
            rows.append(f"<li><span aria-hidden='true'>{mark}</span> <b>{word}</b> {html.escape(item.name)}{hint}</li>")
        # A hint may quote a policy variable such as ${aws:PrincipalTag/team}: MathJax must not typeset its $ signs.
        return (f"<div class='{NO_MATH}'><ul style='list-style:none;padding-left:0'>{''.join(rows)}</ul>"
                f"<p><b>{html.escape(self.summary())}</b></p></div>")

    def finish(self) -> CheckResult:
        """Record the result (progress file, and the workshop hub's dashboard), then return self.

        Under KMSCOURSE_CHECKS_STRICT=1 (the test suite) a failure raises instead, after it was recorded.
        """
        from .. import progress

        progress.record(self)
        if settings.CHECKS_STRICT.get() == "1" and not self.passed:
            raise CourseError(f"{self.summary()}\n{self}")
        return self
