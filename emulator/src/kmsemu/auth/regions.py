"""What a request's signing name and headers say about it: its service, its error protocol, and real regions."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

JSON_TARGETS = {"TrentService": "kms", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": "cloudtrail",
                "AWSOrganizationsV20161128": "organizations"}
"""X-Amz-Target prefixes of the JSON-protocol services the emulator serves, and their signing names."""

QUERY_SERVICES = frozenset({"iam", "sts", "cloudformation"})
"""Signing names of the services that answer in the query protocol's XML."""


def protocol(service: str) -> str:
    """The error protocol of a service, by its SigV4 signing name."""
    return "s3" if service == "s3" else "query" if service in QUERY_SERVICES else "json"


def protocol_guess(environ: dict[str, Any]) -> str:
    """The protocol to answer in before the signature names the service (an unsigned or garbled request)."""
    if environ.get("HTTP_X_AMZ_TARGET") or "amz-json" in str(environ.get("CONTENT_TYPE", "")):
        return "json"
    if "x-www-form-urlencoded" in str(environ.get("CONTENT_TYPE", "")) or "Action=" in environ.get("QUERY_STRING", ""):
        return "query"
    return "s3"


def service_of_target(target: str) -> str | None:
    """The service an X-Amz-Target header addresses (by its prefix, up to the last dot), or None."""
    return JSON_TARGETS.get(target.rpartition(".")[0]) if target else None


@lru_cache(maxsize=1)
def _regions() -> frozenset[str]:
    from kmsemu.sessions import shared_loader

    endpoints = shared_loader().load_data("endpoints")
    return frozenset(region for partition in endpoints["partitions"] for region in partition.get("regions", {}))


def is_region(name: str) -> bool:
    """Whether `name` is a region AWS has (in any partition botocore knows)."""
    return name in _regions()
