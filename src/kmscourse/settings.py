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
PROGRESS_FILE = Option(
    "KMSCOURSE_PROGRESS_FILE",
    "~/.kmscourse/progress.jsonl",
    "Where every lab check appends its result (lab, items passed and failed, hints shown, time), one JSON line "
    "each; `kmscourse progress` reads it. The test suite points it at a temporary folder.",
)
PROGRESS_URL = Option(
    "KMSCOURSE_PROGRESS_URL",
    "",
    "Workshop hubs: the progress service's URL that each check's record is also posted to, with the learner's own "
    "`JUPYTERHUB_API_TOKEN` (workshop/jupyterhub_config.py sets it for every learner). Empty: on a hub whose "
    "`JUPYTERHUB_PUBLIC_HUB_URL` is known, its `services/kmscourse/`; elsewhere nothing is posted and records stay local.",
)
SERVICE_BIND = Option(
    "KMSCOURSE_SERVICE_BIND",
    "",
    "Workshop hubs, set by workshop/jupyterhub_config.py for the progress service only: the address it listens on "
    "when the proxy and learners reach it by another host name (on Kubernetes, 0.0.0.0 in the hub pod). Empty: the "
    "host of the URL the hub gives it.",
)

PARTNER_ROLE_ARN = Option(
    "KMSCOURSE_PARTNER_ROLE_ARN",
    "",
    "Sandbox backend only, optional: the ARN of a role in a second account that your identity may assume, for "
    "lesson 12's cross-account section. On the emulator the lesson makes the second account through Organizations.",
)
CAST_BOUNDARY = Option(
    "KMSCOURSE_CAST_BOUNDARY",
    "",
    "Sandbox cohorts only: the ARN of the managed policy the course puts on its cast's IAM users as their permissions "
    "boundary, so a cast member can never do more than you. `kmscourse cohort provision` writes it into each "
    "learner's credentials file (templates/cohort-learner.yaml's PolicyArn); empty: the cast has no boundary.",
)
ALL: tuple[Option, ...] = (BACKEND, LEARNER, ACCOUNT_ID, REGION, PORT, CHECKS_STRICT, PROGRESS_FILE, PROGRESS_URL, SERVICE_BIND,
                           PARTNER_ROLE_ARN, CAST_BOUNDARY)


def markdown_table() -> str:
    """The options as a markdown table, for `kmscourse options` and docs/configuration.md."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    rows += [f"| `{o.name}` | `{o.default or '(none)'}` | {o.help} |" for o in ALL]
    return "\n".join(rows) + "\n"
