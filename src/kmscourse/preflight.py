"""Preflight: is this kernel ready for the course? Versions, backend, identity and region."""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from .checks.result import CheckResult
from .course import Course

PACKAGES = ("boto3", "botocore", "moto", "awscli", "cryptography", "aws-encryption-sdk", "amazon-s3-encryption-client-python")
"""The packages whose versions preflight reports."""


def versions() -> dict[str, str]:
    """Python and the course's key packages, with their installed versions."""
    found = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def report(course: Course) -> CheckResult:
    """Check the environment and the backend, one line per item."""
    result = CheckResult("Preflight")
    found = versions()
    result.add(f"Python {found['python']} (3.11 or newer)", sys.version_info >= (3, 11), "install Python 3.11+ and run `make lab` again.")
    for name in PACKAGES:
        result.add(f"{name} {found[name]}", found[name] != "missing", f"{name} is missing; run `make lab` (or `pip install -e .`) in the course folder.")
    try:
        identity = course.client("sts").get_caller_identity()
        reached = True
    except Exception as exc:  # anything here means the backend is unreachable; say so plainly
        identity, reached = {}, False
        reason = str(exc)
    result.add(f"backend '{course.backend}' answers", reached, f"the backend did not answer ({reason if not reached else ''}); restart the kernel and run kmscourse.start() again.")
    if reached:
        result.add(f"identity {identity['Arn']}", identity["Arn"] == course.identity_arn, "your credentials changed since start(); restart the kernel.")
    result.add(f"region {course.region}", bool(course.region), "set KMSCOURSE_REGION (or AWS_REGION on the sandbox backend).")
    return result
