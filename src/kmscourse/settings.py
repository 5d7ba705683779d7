"""Every environment variable the course reads, declared once with its help text.

`kmscourse options` prints this table, and docs/configuration.md is generated from it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One environment variable: its name, default and what it does."""

    name: str
    default: str
    help: str

    def get(self) -> str:
        """The value from the environment, or the default; surrounding blanks are ignored."""
        value = os.environ.get(self.name, "").strip()
        return value or self.default


BACKEND = Option(
    "KMSCOURSE_BACKEND",
    "emulator",
    "Where the course runs: `emulator` (moto plus the course's KMS layer, inside the kernel; nothing leaves "
    "the machine) or `aws` (a real sandbox account, through the normal AWS credential chain).",
)
LEARNER = Option(
    "KMSCOURSE_LEARNER",
    "learner",
    "Your learner name: the IAM user in the emulator, and the `kmscourse-<learner>-` prefix and "
    "`kmscourse:learner` tag on everything the course creates. Lowercase letters, digits and hyphens.",
)
ACCOUNT_ID = Option(
    "KMSCOURSE_ACCOUNT_ID",
    "",
    "Sandbox backend only, and required there: the 12-digit account id you expect. The course refuses to "
    "start unless the credentials really belong to this account.",
)
REGION = Option(
    "KMSCOURSE_REGION",
    "us-west-2",
    "The AWS region the course uses (the original lab uses us-west-2). On the sandbox backend, "
    "AWS_REGION or AWS_DEFAULT_REGION win over this default.",
)
PORT = Option(
    "KMSCOURSE_PORT",
    "0",
    "Emulator only: the port `kmscourse.start()` serves on. 0 picks a free port.",
)
CHECKS_STRICT = Option(
    "KMSCOURSE_CHECKS_STRICT",
    "0",
    "Set to 1 (the test suite does) to make a failed lab check raise, so an executed solution fails loudly.",
)

ALL: tuple[Option, ...] = (BACKEND, LEARNER, ACCOUNT_ID, REGION, PORT, CHECKS_STRICT)


def markdown_table() -> str:
    """The options as a markdown table, for `kmscourse options` and docs/configuration.md."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    rows += [f"| `{o.name}` | `{o.default or '(none)'}` | {o.help} |" for o in ALL]
    return "\n".join(rows) + "\n"
