"""Accounts and their users, made in-process: reset and seed moto, AWS managed policies, IAM users with keys."""
from __future__ import annotations

import importlib
import json
import os
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = "123456789012"
"""moto's default account, the one the emulator's first user lives in."""

SEED = 10
"""moto's random seed: the same seed gives the same key ids on every run (access keys stay random)."""

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

COURSE_MANAGED_POLICIES = ("AdministratorAccess", "ReadOnlyAccess", "AmazonS3FullAccess", "PowerUserAccess",
                           "AWSKeyManagementServicePowerUser")
"""The AWS managed policies the emulator loads; moto loads none by default and all 1,500 are slow to build."""

SEEDED_POLICIES = COURSE_MANAGED_POLICIES[:4]
"""The policies loaded from moto's seeded random stream; the others leave it as they found it, so ids stay the same."""

MANAGED_POLICIES_VARIABLE = "KMSEMU_MANAGED_POLICIES"
"""More AWS managed policies to load at each reset, comma-separated names, or `all` for every one moto knows."""


def managed_policy_names() -> tuple[str, ...]:
    """The AWS managed policies a reset loads: COURSE_MANAGED_POLICIES and those KMSEMU_MANAGED_POLICIES names."""
    wanted = [n.strip() for n in os.environ.get(MANAGED_POLICIES_VARIABLE, "").split(",") if n.strip()]
    if [n.lower() for n in wanted] == ["all"]:
        wanted = list(json.loads(_full_policy_text()))
    return tuple(dict.fromkeys([*COURSE_MANAGED_POLICIES, *wanted]))


@dataclass(frozen=True)
class Credentials:
    """An access key pair, and the ARN of the user it belongs to."""

    access_key_id: str
    secret_access_key: str
    user_arn: str = ""

    @property
    def account_id(self) -> str:
        """The account the user lives in."""
        return self.user_arn.split(":")[4]


def reset(seed: int = SEED) -> None:
    """Forget all emulator state and seed moto's random ids, as /moto-api/reset and /moto-api/seed do."""
    from moto.moto_api import _internal as moto_api

    moto_api.moto_api_backend.reset()
    moto_api.mock_random.seed(seed)
    install_aws_managed_policies()


def install_aws_managed_policies(names: tuple[str, ...] | None = None, account: str = ACCOUNT_ID) -> None:
    """Put the named AWS managed policies (default: managed_policy_names()) into moto's IAM backend (see tests)."""
    from moto.iam.models import AWSManagedPolicy, iam_backends

    names = managed_policy_names() if names is None else names
    backend = iam_backends[account]["aws"]
    data = _release_policy_data(names)
    from moto.moto_api._internal import mock_random

    for name in names:
        stream = None if name in SEEDED_POLICIES else mock_random.getstate()
        policy = AWSManagedPolicy.from_data(name, account, "us-east-1", data[name])
        if stream is not None:  # key ids and others drawn later are those of a run without this policy
            mock_random.setstate(stream)
        if policy.arn not in backend.managed_policies:
            backend.aws_managed_policies.append(policy)
            backend.managed_policies[policy.arn] = policy


_policy_data: dict[str, Any] = {}


def _release_policy_data(names: tuple[str, ...]) -> dict[str, Any]:
    """The named policies' data; moto's 4.5 MB text of all of them is swapped for one holding only these.

    moto loads none of that text unless MOTO_IAM_LOAD_MANAGED_POLICIES is set, and the emulator never sets it,
    so the emulator behaves the same while the process gives the text's memory back.
    """
    missing = [name for name in names if name not in _policy_data]
    if missing:
        import moto.iam.aws_managed_policies as source
        import moto.iam.models as models

        data = json.loads(_full_policy_text())
        unknown = [name for name in missing if name not in data]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not an AWS managed policy moto {moto_version()} knows "
                             f"(check {MANAGED_POLICIES_VARIABLE})")
        _policy_data.update({name: data[name] for name in names})
        kept = json.dumps({name: _policy_data[name] for name in _policy_data})
        source.aws_managed_policies_data = models.aws_managed_policies_data = kept  # type: ignore[attr-defined]
    return _policy_data


def _full_policy_text() -> str:
    """moto's text of every AWS managed policy (read again from its module once the emulator has trimmed it)."""
    import moto.iam.aws_managed_policies as source

    if _policy_data:  # trimmed to the policies loaded so far: the module still holds all of them
        importlib.reload(source)
    return str(source.aws_managed_policies_data)


def create_user(name: str, policy_arns: tuple[str, ...] = (), tags: dict[str, str] | None = None,
                account: str = ACCOUNT_ID) -> Credentials:
    """Create an IAM user with the given managed policies and an access key, directly in moto's IAM backend."""
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    user = backend.create_user("us-east-1", name, path="/", tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])
    user = user[0] if isinstance(user, tuple) else user
    for policy_arn in policy_arns:
        backend.attach_user_policy(policy_arn, name)
    key = backend.create_access_key(name)
    return Credentials(key.access_key_id, key.secret_access_key, user.arn)


def moto_version() -> str:
    """The installed moto version, for banners and preflight."""
    from importlib.metadata import version

    return version("moto")
