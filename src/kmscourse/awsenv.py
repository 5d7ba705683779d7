"""Point boto3 and the AWS CLI (in this process and in `!aws` subprocesses) at the course backend.

On both backends the course writes its own CLI config and credentials files, so cast members get named
profiles (`aws --profile colleague ...`) without touching the learner's ~/.aws. On the sandbox backend the
default profile holds the learner's current credentials, copied at start(): if they are temporary and
expire, restart the kernel.

In emulator mode the course owns the whole AWS configuration: its own config and credentials files, an
endpoint on 127.0.0.1, and none of the learner's real profiles, proxies or metadata endpoints. This is what
keeps every request on the machine, even when real credentials or AWS_PROFILE are present.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# Variables that could send a request elsewhere or pick other credentials; removed in emulator mode.
_FOREIGN = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_CREDENTIAL_EXPIRATION", "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "AWS_STS_REGIONAL_ENDPOINTS",
)


class AwsFiles:
    """The course's own AWS CLI config and credentials files, with one profile per cast member."""

    def __init__(self, directory: Path, url: str | None, region: str) -> None:
        self.directory = directory
        self.url = url
        self.region = region
        self.profiles: dict[str, tuple[str, str, str | None]] = {}
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def config_path(self) -> Path:
        """The AWS_CONFIG_FILE the course writes."""
        return self.directory / "config"

    @property
    def credentials_path(self) -> Path:
        """The AWS_SHARED_CREDENTIALS_FILE the course writes."""
        return self.directory / "credentials"

    def add_profile(self, name: str, access_key_id: str, secret: str, session_token: str | None = None) -> None:
        """Add (or replace) a named profile, usable as `aws --profile NAME` and boto3.Session(profile_name=NAME)."""
        self.profiles[name] = (access_key_id, secret, session_token)
        self.write()

    def write(self) -> None:
        """Write both files from the profiles held."""
        config, creds = [], []
        for name, (key, secret, token) in self.profiles.items():
            section = "default" if name == "default" else f"profile {name}"
            config += [f"[{section}]", f"region = {self.region}", "output = json"]
            config += [f"endpoint_url = {self.url}", ""] if self.url else [""]
            creds += [f"[{name}]", f"aws_access_key_id = {key}", f"aws_secret_access_key = {secret}"]
            creds += [f"aws_session_token = {token}"] if token else []
            creds.append("")
        self.config_path.write_text("\n".join(config))
        self.credentials_path.write_text("\n".join(creds))
        self.credentials_path.chmod(0o600)


def put_course_tools_first() -> None:
    """Put this Python's bin folder first on PATH, so `!aws` and `!python3` cells use the course environment's.

    Jupyter started as .venv/bin/jupyter does not activate the venv, so without this `!aws` finds whatever AWS CLI
    the machine has, or none.
    """
    bindir = str(Path(sys.executable).parent)
    parts = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != bindir]
    os.environ["PATH"] = os.pathsep.join([bindir, *parts])


def bypass_proxies_for_loopback() -> None:
    """Make HTTP clients (botocore, urllib) reach 127.0.0.1 directly, even when a proxy is configured."""
    no_proxy = {p for p in os.environ.get("NO_PROXY", os.environ.get("no_proxy", "")).split(",") if p}
    value = ",".join(sorted(no_proxy | {"127.0.0.1", "localhost"}))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = value


def use_course_files(files: AwsFiles, access_key_id: str, secret: str, session_token: str | None = None) -> None:
    """Make the course's files and these credentials the default for every SDK and CLI call in this kernel."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    files.add_profile("default", access_key_id, secret, session_token)
    os.environ.update({
        "AWS_ACCESS_KEY_ID": access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_REGION": files.region,
        "AWS_DEFAULT_REGION": files.region,
        "AWS_CONFIG_FILE": str(files.config_path),
        "AWS_SHARED_CREDENTIALS_FILE": str(files.credentials_path),
        "AWS_PAGER": "",
    })
    if session_token:
        os.environ["AWS_SESSION_TOKEN"] = session_token


def point_at_emulator(files: AwsFiles, access_key_id: str, secret: str) -> None:
    """Set os.environ so every SDK and CLI call in this kernel (and its subprocesses) reaches the emulator only."""
    for name in list(os.environ):
        if name in _FOREIGN or name.startswith("AWS_ENDPOINT_URL_"):
            del os.environ[name]
    bypass_proxies_for_loopback()
    use_course_files(files, access_key_id, secret)
    os.environ.update({"AWS_ENDPOINT_URL": files.url or "", "AWS_EC2_METADATA_DISABLED": "true"})


def shell_exports(url: str, access_key_id: str, secret: str, region: str) -> list[str]:
    """The lines that point another shell at a running emulator (proxies bypassed for it): kmsemu's own."""
    from kmsemu.cli import export_lines

    return export_lines(url, access_key_id, secret, region)
