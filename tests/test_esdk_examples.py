"""The AWS Encryption SDK's own keyring examples, run unchanged against `kmsemu serve`.

The examples are the ones AWS ships in the `examples/` folder of the aws-encryption-sdk sdist on PyPI (the version
installed here, which constraints.txt pins). They are not part of this repository: the sdist is downloaded once with
`pip download` and cached under build/esdk-examples/. Each example's entry function is called as its own test in the
sdist calls it, with only the endpoint and credentials (the export lines `kmsemu serve` prints, as environment
variables) and the key ARNs (keys made on the emulator, in the Regions the official tests use) changed.
"""
from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from cryptography.hazmat.primitives import serialization
from support import BIN, ROOT, clean_env

VERSION = importlib.metadata.version("aws-encryption-sdk")
CACHE = ROOT / "build" / "esdk-examples"
HOME, OTHER, MRK_HOME, MRK_REPLICA = "us-west-2", "eu-central-1", "us-east-1", "eu-west-1"
"""The Regions of the sdist's own example tests (examples/test/test_i_*.py)."""
PLAINTEXT = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20
"""Like the legacy examples' tests' static_plaintext: a kilobyte of Lorem ipsum."""


def _sdist_examples() -> Path:
    """examples/src of the installed version's sdist, downloaded and unpacked once (safe when workers race)."""
    final = CACHE / f"aws_encryption_sdk-{VERSION}"
    if not (final / "examples" / "src").is_dir():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                            "--no-binary", ":all:", f"aws-encryption-sdk=={VERSION}", "-d", scratch],
                           check=True, capture_output=True, timeout=300)
            (sdist,) = Path(scratch).glob("aws_encryption_sdk-*.tar.gz")
            with tarfile.open(sdist) as archive:
                wanted = [m for m in archive.getmembers() if m.name.startswith(f"{final.name}/examples/")]
                archive.extractall(scratch, members=wanted, filter="data")
            with contextlib.suppress(OSError):  # another worker got there first: its copy is the same
                os.rename(Path(scratch) / final.name, final)
    return final / "examples" / "src"


def _serve(seconds: float = 60) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """Start `kmsemu serve` on 127.0.0.1 (killed if it prints nothing within `seconds`) and read its export lines."""
    process = subprocess.Popen([str(BIN / "kmsemu"), "serve", "--port", "0", "--host", "127.0.0.1"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=clean_env(), start_new_session=True)
    timer = threading.Timer(seconds, process.kill)
    timer.start()
    exports: dict[str, str] = {}
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip().startswith("export "):
                name, _, value = line.strip()[len("export "):].partition("=")
                exports[name] = value
            if line.startswith("Press Ctrl+C"):
                break
    finally:
        timer.cancel()
    return process, exports


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop the server's process group by its PID."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(10)


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """A `kmsemu serve` process of this module's own, as the export lines it printed."""
    process, exports = _serve()
    try:
        assert "AWS_ENDPOINT_URL" in exports, "kmsemu serve printed no endpoint"
        yield exports
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def keys(served: dict[str, str]) -> dict[str, Any]:
    """The keys the examples name, made on the emulator: symmetric in two Regions, a multi-Region key and its
    replica, an RSA encryption key (with its public key as PEM), and the account id."""
    session = boto3.Session(aws_access_key_id=served["AWS_ACCESS_KEY_ID"], aws_secret_access_key=served["AWS_SECRET_ACCESS_KEY"])

    def kms(region: str) -> Any:
        return session.client("kms", region_name=region, endpoint_url=served["AWS_ENDPOINT_URL"])

    mrk = kms(MRK_HOME).create_key(MultiRegion=True, Description="esdk examples")["KeyMetadata"]
    replica = kms(MRK_HOME).replicate_key(KeyId=mrk["KeyId"], ReplicaRegion=MRK_REPLICA)["ReplicaKeyMetadata"]
    rsa = kms(HOME).create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    der = kms(HOME).get_public_key(KeyId=rsa["KeyId"])["PublicKey"]
    pem = serialization.load_der_public_key(der).public_bytes(serialization.Encoding.PEM,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"key": kms(HOME).create_key()["KeyMetadata"]["Arn"], "other": kms(OTHER).create_key()["KeyMetadata"]["Arn"],
            "mrk": mrk["Arn"], "replica": replica["Arn"], "rsa": rsa["Arn"], "rsa_pem": pem,
            "account": session.client("sts", region_name=HOME, endpoint_url=served["AWS_ENDPOINT_URL"]).get_caller_identity()["Account"]}


@pytest.fixture
def as_served(served: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The environment an example sees: only the export lines (no profile, config file or other AWS setting),
    and boto3's default session made afresh from them."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in served.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here


# (example module, entry function, its arguments as examples/test/test_i_<module>.py passes them)
EXAMPLES: list[tuple[str, str, Callable[[dict[str, Any]], tuple[Any, ...]]]] = [
    ("aws_kms_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: (k["key"],)),
    ("aws_kms_mrk_keyring_example", "encrypt_and_decrypt_with_keyring",
     lambda k: (k["mrk"], k["replica"], MRK_HOME, MRK_REPLICA)),
    ("aws_kms_mrk_discovery_keyring_example", "encrypt_and_decrypt_with_keyring",
     lambda k: (k["mrk"], k["account"], MRK_HOME, MRK_REPLICA)),
    ("aws_kms_mrk_discovery_multi_keyring_example", "encrypt_and_decrypt_with_keyring",
     lambda k: (k["mrk"], MRK_HOME, k["account"], [HOME, MRK_HOME])),
    ("aws_kms_mrk_multi_keyring_example", "encrypt_and_decrypt_with_keyring",
     lambda k: (k["mrk"], k["key"], k["replica"], MRK_REPLICA)),
    ("aws_kms_rsa_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: (k["rsa"], k["rsa_pem"])),
    ("raw_rsa_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: ()),  # local keys only, no KMS call
    ("aws_kms_multi_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: (k["key"], k["other"], HOME, OTHER)),
    ("aws_kms_discovery_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: (k["key"], k["account"], HOME)),
    ("aws_kms_discovery_multi_keyring_example", "encrypt_and_decrypt_with_keyring",
     lambda k: (k["key"], k["account"], [MRK_HOME, HOME])),
    ("multi_keyring_example", "encrypt_and_decrypt_with_keyring", lambda k: (k["key"],)),
    ("default_cryptographic_materials_manager_example", "encrypt_and_decrypt_with_default_cmm", lambda k: (k["key"],)),
    ("required_encryption_context_cmm", "encrypt_and_decrypt_with_keyring", lambda k: (k["key"],)),
    ("migration/migration_aws_kms_key_example", "migration_aws_kms_key", lambda k: (k["key"],)),
    # The master key providers of ESDK 1.x and 2.x (examples/test/legacy passes a fresh botocore session).
    ("legacy/basic_encryption", "cycle_string", lambda k: (k["key"], PLAINTEXT, botocore.session.Session())),
    ("legacy/one_kms_cmk", "encrypt_decrypt", lambda k: (k["key"], PLAINTEXT, botocore.session.Session())),
    ("legacy/one_kms_cmk_unsigned", "encrypt_decrypt", lambda k: (k["key"], PLAINTEXT, botocore.session.Session())),
    ("legacy/multiple_kms_cmk", "encrypt_decrypt", lambda k: ([k["key"], k["other"]], PLAINTEXT, botocore.session.Session())),
    ("legacy/discovery_kms_provider", "encrypt_decrypt", lambda k: (k["key"], PLAINTEXT, botocore.session.Session())),
    ("legacy/mrk_aware_kms_provider", "encrypt_decrypt", lambda k: (k["mrk"], k["replica"], PLAINTEXT)),
    ("legacy/set_commitment", "encrypt_decrypt", lambda k: (k["key"], PLAINTEXT, botocore.session.Session())),
    ("legacy/data_key_caching_basic", "encrypt_with_caching", lambda k: (k["key"], 10.0, 10)),
]


def _load(name: str) -> Any:
    """The example module from the sdist, imported from its file under a name of its own."""
    spec = importlib.util.spec_from_file_location("esdk_example_" + name.replace("/", "_"), _sdist_examples() / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "entry", "arguments"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
@pytest.mark.usefixtures("as_served")
def test_example_runs_as_written(name: str, entry: str, arguments: Callable[[dict[str, Any]], tuple[Any, ...]],
                                 keys: dict[str, Any]) -> None:
    """The example's entry function completes: it encrypts, decrypts and asserts its own round trip."""
    getattr(_load(name), entry)(*arguments(keys))


def test_the_examples_are_the_sdists() -> None:
    """Every example named here ships in the sdist, and none of its code is kept in this repository."""
    shipped = {str(p.relative_to(_sdist_examples()).with_suffix("")) for p in _sdist_examples().rglob("*.py")}
    assert {e[0] for e in EXAMPLES} <= shipped
    assert not [p for p in (ROOT / "tests").rglob("*.py") if p.stem in {name.rsplit("/", 1)[-1] for name in shipped}]
