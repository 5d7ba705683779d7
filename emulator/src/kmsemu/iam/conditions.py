"""The Condition block of a policy statement, evaluated against a request's context keys.

Context keys are looked up case-insensitively (the caller lowercases the names); values keep their case.
A value is a string for a single-valued key, or a list of strings for a multi-valued key.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

Context = Mapping[str, "str | list[str]"]
Match = Callable[[str, str], bool]

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LITERAL = {"*": "\x00", "?": "\x01", "$": "$"}
"""${*}, ${?} and ${$} stand for the characters themselves; two control characters keep * and ? literal in wildcards."""
_VARIABLE_OPERATORS = ("string", "arn")
"""Policy variables are replaced in Resource and in string and ARN condition values, not in the other operators."""


def substitute(text: str, context: Context) -> str | None:
    """`text` with each ${key} (or ${key, 'default'}) replaced from the request context; None when a key has no value.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
    """
    if "${" not in text:
        return text
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        inner = match.group(1)
        if inner in _LITERAL:
            return _LITERAL[inner]
        name, _, default = inner.partition(",")
        found = context.get(name.strip().lower())
        if isinstance(found, str):
            return found
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1]
        missing = True
        return ""

    replaced = _VARIABLE.sub(value, text)
    return None if missing else replaced


def plain(text: str) -> str:
    """A substituted value with its literal markers back as the characters they stand for."""
    return text.replace("\x00", "*").replace("\x01", "?")


@lru_cache(maxsize=4096)
def _glob(pattern: str, case: bool = True) -> re.Pattern[str]:
    """A policy wildcard as a regex: only `*` and `?` are special (fnmatch's `[...]` classes are not)."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(plain(c)) for c in pattern)
    return re.compile(body + r"\Z", re.DOTALL if case else re.DOTALL | re.IGNORECASE)


def like(value: str, pattern: str) -> bool:
    """StringLike: `*` and `?` wildcards, case-sensitive."""
    return _glob(pattern).match(value) is not None


def arn_like(value: str, pattern: str) -> bool:
    """ArnLike: each of the six colon-separated ARN parts matched on its own."""
    got, want = value.split(":", 5), pattern.split(":", 5)
    return len(got) == len(want) == 6 and all(like(g, w) for g, w in zip(got, want, strict=True))


def _number(a: str, b: str, test: Callable[[float, float], bool]) -> bool:
    try:
        return test(float(a), float(b))
    except ValueError:
        return False


def _date(a: str, b: str, test: Callable[[float, float], bool]) -> bool:
    def seconds(text: str) -> float:
        if text.replace(".", "", 1).isdigit():
            return float(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    try:
        return test(seconds(a), seconds(b))
    except ValueError:
        return False


# Each operator: (match one request value against one policy value, negated?)
_OPERATORS: dict[str, tuple[Match, bool]] = {
    "stringequals": (lambda v, p: v == p, False),
    "stringnotequals": (lambda v, p: v == p, True),
    "stringequalsignorecase": (lambda v, p: v.lower() == p.lower(), False),
    "stringnotequalsignorecase": (lambda v, p: v.lower() == p.lower(), True),
    "stringlike": (like, False),
    "stringnotlike": (like, True),
    "arnequals": (arn_like, False),  # AWS documents ArnEquals and ArnLike as the same test
    "arnlike": (arn_like, False),
    "arnnotequals": (arn_like, True),
    "arnnotlike": (arn_like, True),
    "bool": (lambda v, p: v.lower() == p.lower(), False),
    "numericequals": (lambda v, p: _number(v, p, lambda a, b: a == b), False),
    "numericnotequals": (lambda v, p: _number(v, p, lambda a, b: a == b), True),
    "numericlessthan": (lambda v, p: _number(v, p, lambda a, b: a < b), False),
    "numericlessthanequals": (lambda v, p: _number(v, p, lambda a, b: a <= b), False),
    "numericgreaterthan": (lambda v, p: _number(v, p, lambda a, b: a > b), False),
    "numericgreaterthanequals": (lambda v, p: _number(v, p, lambda a, b: a >= b), False),
    "dateequals": (lambda v, p: _date(v, p, lambda a, b: a == b), False),
    "datenotequals": (lambda v, p: _date(v, p, lambda a, b: a == b), True),
    "datelessthan": (lambda v, p: _date(v, p, lambda a, b: a < b), False),
    "datelessthanequals": (lambda v, p: _date(v, p, lambda a, b: a <= b), False),
    "dategreaterthan": (lambda v, p: _date(v, p, lambda a, b: a > b), False),
    "dategreaterthanequals": (lambda v, p: _date(v, p, lambda a, b: a >= b), False),
}


class UnknownOperator(ValueError):
    """A condition operator this evaluator does not know; the statement then never applies."""


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


@lru_cache(maxsize=256)
def _operator(name: str) -> tuple[str, str, bool]:
    """`ForAnyValue:StringLikeIfExists` as (`stringlike`, `foranyvalue`, True)."""
    op = name.lower()
    set_op = ""
    if op.startswith(("foranyvalue:", "forallvalues:")):
        set_op, op = op.split(":", 1)
    if_exists = op.endswith("ifexists") and op != "ifexists"
    op = op[: -len("ifexists")] if if_exists else op
    return op, set_op, if_exists


def evaluate(block: Mapping[str, Mapping[str, Any]] | None, context: Context, variables: bool = False) -> bool:
    """True when every operator/key pair in a Condition block is satisfied (an empty block always is).

    With `variables` (a policy of Version 2012-10-17), ${...} in string and ARN values are replaced first; a
    value whose variable has no value in the request never matches.
    """
    for operator, tests in (block or {}).items():
        op, set_op, if_exists = _operator(operator)
        for key, wanted in tests.items():
            values = _strings(wanted)
            if variables and op.startswith(_VARIABLE_OPERATORS):
                replaced = [substitute(v, context) for v in values]
                values = [v if op.endswith("like") else plain(v) for v in replaced if v is not None]
                if not values:
                    return False
            if not _test(op, set_op, if_exists, key.lower(), values, context):
                return False
    return True


def _test(op: str, set_op: str, if_exists: bool, key: str, wanted: list[str], context: Context) -> bool:
    present = key in context
    if op == "null":
        return (not present) == (wanted[0].lower() == "true")
    if op not in _OPERATORS:
        raise UnknownOperator(op)
    match, negated = _OPERATORS[op]
    raw = context.get(key)
    values = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    if set_op == "foranyvalue":
        return any(_single(match, negated, v, wanted) for v in values)
    if set_op == "forallvalues":
        return all(_single(match, negated, v, wanted) for v in values)
    if not present:
        # A missing key fails a positive test and passes a negated one; IfExists passes either way.
        return if_exists or negated
    return any(_single(match, negated, v, wanted) for v in values) if values else negated


def _single(match: Match, negated: bool, value: str, wanted: list[str]) -> bool:
    hit = any(match(value, w) for w in wanted)
    return not hit if negated else hit


def glob_match(value: str, pattern: str, case: bool = True) -> bool:
    """Action (case-insensitive) and Resource (case-sensitive) matching with `*` and `?`."""
    return _glob(pattern, case).match(value) is not None

