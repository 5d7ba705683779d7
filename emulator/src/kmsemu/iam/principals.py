"""Who is calling: the IAM user or assumed-role session behind an access key, read from moto's IAM and STS."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

PARTITION = "aws"

_ACCOUNT_PRINCIPAL = re.compile(r"^(?:arn:aws:iam::)?(\d{12})(?::root)?$")


@dataclass(frozen=True)
class Caller:
    """The principal a request is attributed to, and where its identity-based policies come from."""

    arn: str
    """The caller's own ARN: a user ARN, or an `assumed-role/<role>/<session>` STS ARN."""
    account: str
    principal_arn: str
    """aws:PrincipalArn: the user ARN, or the role ARN for a role session."""
    kind: str
    """`User` or `AssumedRole` (aws:PrincipalType)."""
    secret: str
    name: str = ""
    session_policy: str | None = None
    _entity: Any = field(default=None, repr=False, compare=False)
    session_token: str | None = None
    """For a role session: the token every request must carry."""
    expires: dt.datetime | None = None
    """For a role session: when its credentials stop working (compared with the emulator clock)."""
    session_tags: dict[str, str] | None = None
    """For a role session: the Tags its AssumeRole passed (they override the role's own tags)."""

    @property
    def user_id(self) -> str:
        """aws:userid: the user's unique id, or `<role id>:<session name>` for a role session."""
        entity_id = str(getattr(self._entity, "id", "") or "")
        return f"{entity_id}:{self.name}" if self.kind == "AssumedRole" else entity_id

    def principal_tags(self) -> dict[str, str]:
        """aws:PrincipalTag: the tags of the IAM user, or of the role behind a session."""
        if self._entity is None:
            return dict(self.session_tags or {})
        found = dict(_iam(self.account).tagger.get_tag_dict_for_resource(self._entity.arn))
        tags = getattr(self._entity, "tags", None) or {}
        for tag in tags.values() if isinstance(tags, dict) else tags:
            if isinstance(tag, dict) and "Key" in tag:
                found.setdefault(str(tag["Key"]), str(tag.get("Value", "")))
        return {**found, **(self.session_tags or {})}

    def boundary_document(self) -> Any:
        """The permissions boundary of the user, or of the role behind a session; None when there is none."""
        if self._entity is None:
            return None
        from kmsemu.iam.boundaries import boundary_document

        return boundary_document(self.account, self._entity)

    def policy_documents(self) -> list[Any]:
        """The identity-based policy documents in force: inline, attached, and (for users) the groups'."""
        if self._entity is None:
            return []
        docs: list[Any] = []
        holders = [self._entity]
        if self.kind == "User":
            backend = _iam(self.account)
            holders += [g for g in list(backend.groups.values()) if self._entity in g.users]
        for holder in holders:
            docs += list(holder.policies.values())
            docs += [_default_document(p) for p in list(holder.managed_policies.values())]
        return docs


def _iam(account: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account][PARTITION]


def _default_document(policy: Any) -> Any:
    """The document of a managed policy's default version."""
    for version in policy.versions:
        if version.version_id == policy.default_version_id:
            return version.document
    return "{}"


def lookup(access_key_id: str) -> Caller | None:
    """The caller owning this access key (active keys only), or None when no account knows it."""
    from moto.iam.models import iam_backends

    for account, partitions in list(iam_backends.items()):
        backend = partitions[PARTITION]
        key = backend.access_keys.get(access_key_id)
        if key is None or key.status != "Active":
            continue
        if key.role_arn:
            return _session(account, key)
        user = backend.users.get(key.user_name or "")
        if user is not None:
            return Caller(user.arn, account, user.arn, "User", key.secret_access_key, user.name, None, user)
    return None


def _session(account: str, key: Any) -> Caller | None:
    """The assumed-role session that STS issued with this temporary key."""
    from moto.sts.models import sts_backends

    for session in list(sts_backends[account][PARTITION].assumed_roles):
        if session.access_key_id == key.access_key_id:
            role = role_by_arn(session.role_arn)
            return Caller(
                session.arn, account, session.role_arn, "AssumedRole", key.secret_access_key,
                session.session_name, session.policy, role, session.session_token, _expires(session),
                getattr(session, "_kmsemu_session_tags", None),
            )
    return None


def _expires(session: Any) -> dt.datetime:
    """When a session's credentials expire on the emulator clock.

    moto sets the expiration from the real time; the emulator clock may have been moved forward before the
    session was issued, so the clock's offset at the session's first use (right after AssumeRole) is added.
    """
    from kmsemu import clock

    offset = getattr(session, _CLOCK_OFFSET, None)
    if offset is None:
        offset = clock.offset()
        setattr(session, _CLOCK_OFFSET, offset)
    return session.expiration.replace(tzinfo=dt.UTC) + offset  # moto keeps naive UTC


_CLOCK_OFFSET = "_kmsemu_clock_offset"


def role_by_arn(arn: str) -> Any:
    """moto's Role with this ARN, or None."""
    match = re.match(r"^arn:aws:iam::(\d{12}):role/", arn)
    if not match:
        return None
    return next((r for r in list(_iam(match.group(1)).roles.values()) if r.arn == arn), None)


def account_of(principal: str) -> str | None:
    """The account id when `principal` names a whole account (`111122223333` or `arn:aws:iam::111122223333:root`)."""
    match = _ACCOUNT_PRINCIPAL.match(principal)
    return match.group(1) if match else None


def exists(principal: str, home_account: str) -> bool:
    """Whether an AWS principal in a policy names something real, as KMS checks when a key policy is set."""
    if principal == "*" or account_of(principal) is not None:
        return True
    match = re.match(r"^arn:aws:(iam|sts)::(\d{12}):(user|role|assumed-role|federated-user)/(.+)$", principal)
    if not match:
        return False
    _, account, kind, rest = match.groups()
    if account != home_account:
        return True  # another account's principals are not ours to check
    backend = _iam(account)
    if kind == "user":
        return any(u.arn == principal for u in list(backend.users.values()))
    if kind == "role":
        return any(r.arn == principal for r in list(backend.roles.values()))
    return True


_serving: ContextVar[Caller | None] = ContextVar("kmsemu_serving", default=None)


@contextmanager
def serving(caller: Caller | None) -> Iterator[None]:
    """Mark `caller` as the principal whose request this thread is serving, for work a service does for it."""
    token = _serving.set(caller)
    try:
        yield
    finally:
        _serving.reset(token)


def serving_now() -> Caller | None:
    """The principal whose request is being served (None outside a request)."""
    return _serving.get()
