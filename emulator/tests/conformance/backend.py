"""Where the conformance suite runs: an in-process kmsemu Emulator (default), or a real AWS account.

KMSEMU_BACKEND=aws runs the same tests on the account the default credential chain reaches, once
KMSEMU_ACCOUNT_ID names that account (otherwise the suite refuses to run). Everything the suite creates is
named `kmsemu-conformance-...` and tagged `kmsemu:conformance=true`.

moto's state belongs to the process and one Emulator runs in it, so the emulator Backend signs in to the
Emulator already running (kmsemu.running()) or starts one, and one Backend of each kind serves the whole
process (`shared`). The attribute names (`client`, `region`, `name`, `tags`, `learner`, ...)
are those of the course object the suite was first written against, so the test bodies read the same.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kmsemu import Emulator, running
from kmsemu.sessions import new_session

ON_AWS = os.environ.get("KMSEMU_BACKEND", "emulator").strip().lower() == "aws"
PREFIX = "kmsemu-conformance-"
TAG_KEY, TAG_VALUE = "kmsemu:conformance", "true"
REGION = "us-west-2"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=60)


class BackendError(Exception):
    """The backend cannot be used as asked; the message says what to change."""


@dataclass
class Member:
    """An IAM user of the account with its own access key, and a CLI profile named after its role."""

    role: str
    user_name: str
    arn: str
    session: boto3.Session
    profile: str
    backend: Backend = field(repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client for `service` that acts as this member and reaches the backend."""
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.backend.region,
                                                         endpoint_url=self.backend.endpoint_url, config=CLIENT_CONFIG)
        return self._clients[service]


@dataclass
class Backend:
    """The account the suite runs in: who it is, where, and clients that reach it."""

    backend: str
    session: boto3.Session
    account_id: str
    region: str
    identity_arn: str
    learner: str
    """The suite's own IAM user name (on the emulator, the user it signs in as)."""
    endpoint_url: str | None = None
    emulator: Emulator | None = None
    prefix: str = PREFIX
    """Of every name; on AWS it also holds a run id, since parallel workers share the account."""
    files: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kmsemu-conformance-")))
    members: dict[str, Member] = field(default_factory=dict)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str) -> Any:
        """A boto3 client for `service`, reaching the backend (cached per service)."""
        if service not in self._clients:
            self._clients[service] = self.session.client(service, region_name=self.region,
                                                         endpoint_url=self.endpoint_url, config=CLIENT_CONFIG)
        return self._clients[service]

    @property
    def principal_arn(self) -> str:
        """The ARN to name in a key policy: the IAM user, or the role behind an assumed-role session."""
        parts = self.identity_arn.split(":")
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            return f"arn:{parts[1]}:iam::{parts[4]}:role/{parts[5].split('/')[1]}"
        return self.identity_arn

    def name(self, suffix: str) -> str:
        """A resource name of the suite: `kmsemu-conformance-<suffix>` (on AWS, `kmsemu-conformance-<run>-<suffix>`)."""
        return self.prefix + suffix

    def tags(self, key: str = "Key", value: str = "Value") -> list[dict[str, str]]:
        """The suite's tag in the shape a service wants (KMS says TagKey/TagValue, most others Key/Value)."""
        return [{key: TAG_KEY, value: TAG_VALUE}]

    def advance_clock(self, days: float = 0, hours: float = 0) -> None:
        """Move the emulator's clock forward (emulator only: a real account keeps real time)."""
        if self.emulator is None:
            raise BackendError("advance_clock works only on the emulator; a real AWS account keeps real time.")
        self.emulator.advance_clock(days=days, hours=hours)

    def now(self) -> dt.datetime:
        """Now, as the backend sees it: the emulator clock, or real time on AWS."""
        if self.emulator is not None:
            from kmsemu import clock

            return clock.now()
        return dt.datetime.now(dt.UTC)

    def colleague(self) -> Member:
        """`kmsemu-conformance-colleague`: an IAM user with AdministratorAccess."""
        return self.member("colleague", policy_arns=(ADMIN,))

    def outsider(self) -> Member:
        """`kmsemu-conformance-outsider`: an IAM user of the account with no permissions at all."""
        return self.member("outsider")

    def member(self, role: str, policy_arns: tuple[str, ...] = (), inline: dict[str, str] | None = None) -> Member:
        """The IAM user `kmsemu-conformance-<role>` with these policies and a new access key (made once per role)."""
        if role in self.members:
            return self.members[role]
        iam, name = self.client("iam"), self.name(role)
        try:
            arn = iam.create_user(UserName=name, Tags=self.tags())["User"]["Arn"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "EntityAlreadyExists":
                raise
            arn = iam.get_user(UserName=name)["User"]["Arn"]  # left by an interrupted run on AWS
        for policy_arn in policy_arns:
            iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
        for policy_name, document in (inline or {}).items():
            iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
        for old in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=old["AccessKeyId"])
        key = iam.create_access_key(UserName=name)["AccessKey"]
        session = new_session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                              region_name=self.region)
        found = Member(role, name, arn, session, role, self)
        with (self.files / "credentials").open("a") as profiles:
            profiles.write(f"[{role}]\naws_access_key_id = {key['AccessKeyId']}\n"
                           f"aws_secret_access_key = {key['SecretAccessKey']}\n")
        if self.backend == "aws":
            _wait_until_usable(found)
        self.members[role] = found
        return found

    def member_account(self) -> Any:
        """A second account administered by role (accounts_support.member_account): made through Organizations on
        the emulator, KMSEMU_MEMBER_ACCOUNT_ROLE_ARN's account on AWS (the test is skipped without it)."""
        from accounts_support import member_account

        return member_account(self)

    def cli_env(self) -> dict[str, str]:
        """The environment for an `aws` CLI subprocess: this identity by default, members as named profiles."""
        mine = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") or (self.emulator is None and k not in mine)}  # on AWS keep e.g. AWS_CA_BUNDLE
        frozen = self.session.get_credentials().get_frozen_credentials()
        credentials = self.files / "credentials"
        credentials.touch()
        (self.files / "config").write_text(f"[default]\nregion = {self.region}\n")
        env.update(AWS_ACCESS_KEY_ID=frozen.access_key, AWS_SECRET_ACCESS_KEY=frozen.secret_key,
                   AWS_DEFAULT_REGION=self.region, AWS_SHARED_CREDENTIALS_FILE=str(credentials),
                   AWS_CONFIG_FILE=str(self.files / "config"))
        if frozen.token:
            env["AWS_SESSION_TOKEN"] = frozen.token
        if self.endpoint_url:
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
        return env

    def close(self) -> None:
        """Delete the members this run made (unless the emulator holding them has stopped), and the CLI files."""
        gone = self.emulator is not None and not self.emulator.running
        for found in [] if gone else self.members.values():
            _delete_user(self.client("iam"), found.user_name)
        self.members.clear()
        shutil.rmtree(self.files, ignore_errors=True)


def _delete_user(iam: Any, name: str) -> None:
    """Delete an IAM user and what IAM wants gone first (access keys, policies); what is missing is skipped."""
    for key in _quietly(lambda: iam.list_access_keys(UserName=name)["AccessKeyMetadata"], []):
        _quietly(lambda: iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"]), None)
    for attached in _quietly(lambda: iam.list_attached_user_policies(UserName=name)["AttachedPolicies"], []):
        _quietly(lambda: iam.detach_user_policy(UserName=name, PolicyArn=attached["PolicyArn"]), None)
    for policy_name in _quietly(lambda: iam.list_user_policies(UserName=name)["PolicyNames"], []):
        _quietly(lambda: iam.delete_user_policy(UserName=name, PolicyName=policy_name), None)
    _quietly(lambda: iam.delete_user(UserName=name), None)


def _quietly(action: Callable[[], Any], default: Any) -> Any:
    """The action's result, or `default` when AWS refuses it."""
    try:
        return action()
    except ClientError:
        return default


def _wait_until_usable(found: Member, seconds: float = 30) -> None:
    """A new access key takes a few seconds to work on AWS; wait until STS accepts it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            found.client("sts").get_caller_identity()
            return
        except ClientError:
            if time.monotonic() > deadline:
                raise BackendError(f"The new access key of {found.user_name} did not work within {seconds:.0f} s.") from None
            time.sleep(2)


def on_emulator() -> Backend:
    """Sign in to this process's Emulator (started if none runs) as a new administrator user of it."""
    hosts = [h for h in os.environ.get("NO_PROXY", "").split(",") if h]
    for variable in ("NO_PROXY", "no_proxy"):  # a proxy must never see loopback requests
        os.environ[variable] = ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))
    emulator = running() or Emulator(port=0).start()
    name = PREFIX + "runner"
    creds = emulator.create_user(name, tags={TAG_KEY: TAG_VALUE})
    session = new_session(aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
                          region_name=REGION)
    return Backend(backend="emulator", session=session, account_id=creds.account_id, region=REGION,
                   identity_arn=creds.user_arn, learner=name, endpoint_url=emulator.url, emulator=emulator)


def on_aws() -> Backend:
    """The account of the default credential chain, once KMSEMU_ACCOUNT_ID proves it is the one meant."""
    expected = os.environ.get("KMSEMU_ACCOUNT_ID", "").strip()
    if not re.fullmatch(r"\d{12}", expected):
        raise BackendError("KMSEMU_BACKEND=aws needs KMSEMU_ACCOUNT_ID set to the 12-digit id of the account to test "
                           f"in (it is {expected!r}); the suite creates and deletes keys there.")
    session = new_session()
    region = session.region_name or REGION
    try:
        identity = session.client("sts", region_name=region).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        raise BackendError(f"Could not ask AWS who you are ({exc}); check the credentials.") from None
    if identity["Account"] != expected:
        raise BackendError(f"The credentials belong to account {identity['Account']}, but KMSEMU_ACCOUNT_ID is "
                           f"{expected}; the suite will not touch an account you did not name.")
    return Backend(backend="aws", session=session, account_id=identity["Account"], region=region,
                   identity_arn=identity["Arn"], learner=identity["Arn"].rsplit("/", 1)[-1],
                   prefix=f"{PREFIX}{uuid.uuid4().hex[:6]}-")


_shared: dict[str, Backend] = {}


def shared(kind: str | None = None) -> Backend:
    """The process's one Backend of this kind ("emulator" or "aws"; default: as KMSEMU_BACKEND says)."""
    kind = kind or ("aws" if ON_AWS else "emulator")
    found = _shared.get(kind)
    if found is None or (found.emulator is not None and not found.emulator.running):
        _shared[kind] = on_aws() if kind == "aws" else on_emulator()
    return _shared[kind]
