"""S3's naming rules for general purpose buckets, checked on CreateBucket before moto makes the bucket.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
A name that breaks them is a 400 InvalidBucketName, "The specified bucket is not valid.".
"""
from __future__ import annotations

import re

from kmsemu.errors import AwsError

_SHAPE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_ADDRESS = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def is_valid(name: str) -> bool:
    """True when `name` follows every naming rule of general purpose buckets."""
    return (_SHAPE.fullmatch(name) is not None and ".." not in name and _IP_ADDRESS.fullmatch(name) is None
            and not name.startswith(RESERVED_PREFIXES) and not name.endswith(RESERVED_SUFFIXES))


def check_bucket_name(name: str) -> None:
    """InvalidBucketName, as S3 answers, for a bucket name that breaks the naming rules."""
    if not is_valid(name):
        raise AwsError("InvalidBucketName", "The specified bucket is not valid.")
