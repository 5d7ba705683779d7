"""Lab checks: each reads live state through the AWS API and returns a CheckResult.

In a lab notebook: `from kmscourse.checks import lab00; lab00.check(course, ...)`.
"""
from .result import CheckResult, Item

__all__ = ["CheckResult", "Item"]
