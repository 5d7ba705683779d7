"""moto reads S3 requests path-style only, as kmsemu authorises them (kmsemu.s3.actions refuses virtual-hosted ones).

moto would otherwise take the bucket from a Host header such as `bucket.localhost`, while kmsemu takes it from the
path: a caller allowed one bucket could then name another in the Host and reach it.
"""
from __future__ import annotations

from typing import Any

from kmsemu.patches import replace


def _path_style(request: Any) -> bool:
    """moto's S3Response.subdomain_based_buckets, answering "path-style" for every request."""
    return False


def install() -> None:
    """Make moto read every S3 request's bucket from its path."""
    from moto.s3.responses import S3Response

    replace(S3Response, "subdomain_based_buckets", lambda original: staticmethod(_path_style))
