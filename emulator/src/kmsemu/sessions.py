"""boto3 sessions that share one botocore data loader, so each AWS service model loads once per kernel.

Every boto3.Session has its own loader, and each loader parses the endpoint data and every service model
its clients use again: about 20 MB for a session with S3, KMS, IAM and CloudFormation clients. A lesson holds
the learner's session and one per cast member, so sharing the loader keeps a kernel well inside its budget.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import boto3
import botocore.loaders
import botocore.session

_lock = threading.Lock()


@lru_cache(maxsize=1)
def shared_loader() -> botocore.loaders.Loader:
    """The one botocore data loader (botocore's own, without moto's extras) behind every session in this process (the course's and the emulator's)."""
    return botocore.loaders.create_loader()


def botocore_session() -> botocore.session.Session:
    """A new botocore session whose data loader is the shared one."""
    with _lock:
        session = botocore.session.Session()
        session.register_component("data_loader", shared_loader())
    return session


def new_session(**kwargs: Any) -> boto3.Session:
    """boto3.Session(**kwargs) on the shared loader: credentials, region_name or profile_name as boto3 takes them."""
    return boto3.Session(botocore_session=botocore_session(), **kwargs)
