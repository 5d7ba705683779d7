"""Access keys from the operating system's randomness, so credentials differ on every emulator start.

moto draws access key ids and secrets from its seeded random stream, which would give a learner the same
credentials in every run. The seeded values are still drawn (so key ids and every other seeded id repeat
from run to run), then replaced with values from `secrets`.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from typing import Any

from kmsemu.patches import replace

_ID_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def _random_credentials(original: Callable[..., None]) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        keep = self.access_key_id[:12]  # prefix and the account id encoded in it, as AWS's key ids carry it
        self.access_key_id = keep + "".join(secrets.choice(_ID_ALPHABET) for _ in range(20 - len(keep)))
        self.secret_access_key = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))

    return __init__


def install() -> None:
    """Wrap moto.iam.models.AccessKey.__init__ (IAM users' keys and STS's temporary keys both)."""
    from moto.iam.models import AccessKey

    replace(AccessKey, "__init__", _random_credentials)
