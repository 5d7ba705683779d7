"""A check result reads the same without an emoji font: every mark has its word beside it, in text and in HTML."""
from __future__ import annotations

import re

from kmscourse.checks.result import CheckResult


def _result() -> CheckResult:
    result = CheckResult("Lab 99")
    result.add("the key exists", True)
    result.add("the alias targets it", False, "your alias is 'course-key'; alias names start with 'alias/'.")
    return result


def test_html_puts_the_word_pass_or_fail_beside_each_mark() -> None:
    """Without an emoji font ✅ and ❌ are the same empty box; the word says which it is."""
    page = _result()._repr_html_()
    items = re.findall(r"<li>(.*?)</li>", page)
    assert len(items) == 2
    assert re.match(r"<span aria-hidden='true'>✅</span> <b>PASS</b> the key exists$", items[0])
    assert re.match(r"<span aria-hidden='true'>❌</span> <b>FAIL</b> the alias targets it<br><em>Hint:</em> your alias", items[1])
    assert "Lab 99: 1 of 2 passed, 1 to fix." in page


def test_html_escapes_names_and_hints() -> None:
    result = CheckResult("Lab 99")
    result.add("<b>name</b>", False, "a & b")
    page = result._repr_html_()
    assert "&lt;b&gt;name&lt;/b&gt;" in page and "a &amp; b" in page


def test_text_form_uses_the_words_alone() -> None:
    assert str(_result()).splitlines()[:3] == [
        "PASS  the key exists",
        "FAIL  the alias targets it",
        "      hint: your alias is 'course-key'; alias names start with 'alias/'.",
    ]


def test_html_keeps_mathjax_off_hints_that_quote_policy_variables() -> None:
    """Two ${aws:...} variables in hints are a pair of $ signs: the whole result sits in MathJax's ignore classes."""
    result = CheckResult("Lab 99")
    result.add("red uses its key", False, "write ${aws:PrincipalTag/team}, not ${aws:username}")
    page = result._repr_html_()
    assert re.fullmatch(r"<div class='mathjax_ignore tex2jax_ignore'>.*</div>", page, flags=re.S)
    assert page.count("$") == 2
