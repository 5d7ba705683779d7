"""The learner's identity inside the emulator: a real IAM user with AdministratorAccess and an access key."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from typing import Any

ACCOUNT_ID = "123456789012"
"""moto's default account, the one the learner's user lives in."""

SEED = 10
"""moto's random seed: the same seed gives the same key ids and access keys on every run (Stelligent-U topic 10)."""

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

# Any credentials reach moto before the learner exists; these never leave the machine (the URL is loopback).
# The auth middleware accepts this key for IAM calls only.
BOOTSTRAP_KEY = ("AKIAKMSCOURSEBOOTSTR", "kmscourse-bootstrap-secret")


@dataclass(frozen=True)
class Credentials:
    """An access key pair, and the ARN of the user it belongs to."""

    access_key_id: str
    secret_access_key: str
    user_arn: str = ""


def reset_and_seed(url: str, seed: int = SEED) -> None:
    """Forget all emulator state and seed moto's random ids, so a fresh kernel repeats the same ids."""
    for path in ("/moto-api/reset", f"/moto-api/seed?a={seed}"):
        urllib.request.urlopen(urllib.request.Request(url + path, data=b"", method="POST"), timeout=10).read()


COURSE_MANAGED_POLICIES = ("AdministratorAccess", "ReadOnlyAccess", "AmazonS3FullAccess", "PowerUserAccess")
"""The AWS managed policies the course attaches; moto loads none by default and all 1,500 are slow to build."""


def install_aws_managed_policies(names: tuple[str, ...] = COURSE_MANAGED_POLICIES) -> None:
    """Put the named AWS managed policies into moto's IAM backend (a hook on moto's internals; see tests)."""
    from moto.iam.models import AWSManagedPolicy, iam_backends

    backend = iam_backends[ACCOUNT_ID]["aws"]
    data = _release_policy_data(names)
    for name in names:
        policy = AWSManagedPolicy.from_data(name, ACCOUNT_ID, "us-east-1", data[name])
        if policy.arn not in backend.managed_policies:
            backend.aws_managed_policies.append(policy)
            backend.managed_policies[policy.arn] = policy


def _release_policy_data(names: tuple[str, ...]) -> dict[str, Any]:
    """The named policies' data; moto's 4.5 MB text of all of them is swapped for one holding only these.

    moto loads none of that text unless MOTO_IAM_LOAD_MANAGED_POLICIES is set, and the course never sets it,
    so the emulator behaves the same while the kernel gives the text's memory back.
    """
    import moto.iam.aws_managed_policies as source
    import moto.iam.models as models

    data = json.loads(source.aws_managed_policies_data)
    kept = json.dumps({name: data[name] for name in names})
    source.aws_managed_policies_data = models.aws_managed_policies_data = kept  # type: ignore[attr-defined]
    return data


def create_user(iam: "Any", name: str, policy_arns: tuple[str, ...] = (), tags: dict[str, str] | None = None) -> Credentials:
    """Create an IAM user with the given managed policies and an access key, through the IAM client given."""
    arn = iam.create_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])["User"]["Arn"]
    for policy_arn in policy_arns:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"], arn)


def moto_version() -> str:
    """The installed moto version, for banners and preflight."""
    from importlib.metadata import version

    return version("moto")


def dump(obj: object) -> str:
    """Compact JSON, for logs."""
    return json.dumps(obj, default=str, sort_keys=True)
