"""kmscourse.start() on the emulator: who you are, where the calls go, and that ids repeat from run to run."""
from __future__ import annotations

import json
import subprocess
import sys

from support import BIN, ROOT, clean_env

import kmscourse

SCRIPT = """
import json, kmscourse
course = kmscourse.start()
key = course.client("kms").create_key(Description="determinism")["KeyMetadata"]["KeyId"]
print(json.dumps({"key": key, "arn": course.identity_arn, "account": course.account_id,
                  "backend": course.backend, "region": course.region}))
"""


def _run(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=clean_env(**env), cwd=ROOT, timeout=120)


def test_fresh_process_is_the_learner_with_a_one_line_banner() -> None:
    """The banner is one line naming backend, account, region and identity; no server log reaches the output."""
    proc = _run(SCRIPT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2, proc.stdout
    banner, data = lines[0], json.loads(lines[1])
    assert banner.startswith("kmscourse | backend: emulator")
    assert "account: 123456789012" in banner and "region: us-west-2" in banner
    assert "identity: arn:aws:iam::123456789012:user/learner" in banner
    assert data["arn"] == "arn:aws:iam::123456789012:user/learner" and data["backend"] == "emulator"
    assert "HTTP/1.1" not in proc.stdout + proc.stderr, "the server's request log leaked into the output"


def test_ids_repeat_from_run_to_run() -> None:
    """moto is seeded, so a fresh kernel creates the same key id every time."""
    first, second = (json.loads(_run(SCRIPT).stdout.splitlines()[-1]) for _ in range(2))
    assert first["key"] == second["key"]


def test_each_lesson_gets_ids_of_its_own() -> None:
    """start(lesson="NN") seeds the emulator per lesson: the same lesson repeats its ids, another lesson never shows them."""
    def lesson(number: str) -> str:
        return SCRIPT.replace("kmscourse.start()", f"kmscourse.start(lesson={number!r})")

    keys = {n: [json.loads(_run(lesson(n)).stdout.splitlines()[-1])["key"] for _ in range(2)] for n in ("08", "09")}
    assert keys["08"][0] == keys["08"][1] and keys["09"][0] == keys["09"][1]
    assert keys["08"][0] != keys["09"][0]
    default = json.loads(_run(SCRIPT).stdout.splitlines()[-1])["key"]
    assert default not in (keys["08"][0], keys["09"][0])


def test_learner_name_comes_from_the_environment() -> None:
    """KMSCOURSE_LEARNER names the IAM user and the resource prefix."""
    proc = _run(SCRIPT, KMSCOURSE_LEARNER="ada")
    data = json.loads(proc.stdout.splitlines()[-1])
    assert data["arn"] == "arn:aws:iam::123456789012:user/ada"


def test_learner_is_a_real_iam_user_with_administrator_access(course) -> None:
    """Key policies can name the learner because the user exists, with AdministratorAccess attached."""
    iam = course.client("iam")
    user = iam.get_user(UserName=course.learner)["User"]
    assert user["Arn"] == course.identity_arn
    attached = iam.list_attached_user_policies(UserName=course.learner)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/AdministratorAccess"]


def test_course_object_exposes_session_and_clients(course) -> None:
    """`.session`, `.client(name)`, identity, region and backend, with a cached client per service."""
    assert course.client("kms") is course.client("kms")
    assert course.session.region_name == course.region == "us-west-2"
    assert course.backend == "emulator" and course.account_id == "123456789012"
    assert course.name("key") == "kmscourse-learner-key"
    assert course.tags("TagKey", "TagValue") == [{"TagKey": "kmscourse:learner", "TagValue": "learner"}]


def test_start_twice_in_one_kernel_returns_the_same_course(course) -> None:
    """Re-running the setup cell does not start a second emulator."""
    assert kmscourse.start(quiet=True) is course


def test_aws_cli_reaches_the_emulator(course) -> None:
    """`!aws ...` cells inherit the environment start() set, so the CLI sees the same keys as boto3."""
    key = course.client("kms").create_key(Description="seen by the CLI")["KeyMetadata"]["KeyId"]
    import os

    proc = subprocess.run([str(BIN / "aws"), "kms", "list-keys"], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert key in [k["KeyId"] for k in json.loads(proc.stdout)["Keys"]]
    who = subprocess.run([str(BIN / "aws"), "sts", "get-caller-identity"], capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert json.loads(who.stdout)["Arn"] == course.identity_arn


def test_principal_arn_turns_an_assumed_role_session_into_its_role(course) -> None:
    """A key policy names the role, not the temporary session."""
    from dataclasses import replace

    session_course = replace(course, identity_arn="arn:aws:sts::111122223333:assumed-role/Sandbox/ada")
    assert session_course.principal_arn == "arn:aws:iam::111122223333:role/Sandbox"
    assert course.principal_arn == course.identity_arn


def test_shell_cells_use_the_course_environments_tools() -> None:
    """`!aws` in a kernel started from .venv/bin/jupyter (venv not activated) is the course's AWS CLI, not the machine's."""
    import os

    probe = "import kmscourse, shutil; kmscourse.start(quiet=True); print(shutil.which('aws')); print(shutil.which('python3'))"
    path_without_venv = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                          env=clean_env(PATH=path_without_venv), timeout=120)
    assert proc.returncode == 0, proc.stderr
    aws, python3 = proc.stdout.split()
    assert aws == str(BIN / "aws") and python3 == str(BIN / "python3")


def test_a_missing_aws_profile_is_named_in_one_line_and_start_goes_on() -> None:
    """In emulator mode the learner's profiles are not used: a profile that does not exist is no reason to fail."""
    proc = _run(SCRIPT, AWS_PROFILE="no-such-profile-anywhere")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "ProfileNotFound" not in proc.stderr
    said = [line for line in proc.stderr.splitlines() if "AWS_PROFILE" in line]
    assert said == ["kmscourse: AWS_PROFILE=no-such-profile-anywhere is not used on the emulator; the course signs in as its own learner."]


def test_learner_credentials_differ_on_every_start_while_key_ids_repeat() -> None:
    """Access keys are random per emulator start (nothing fixed opens it from outside); seeded ids still repeat."""
    script = SCRIPT.replace('"region": course.region}', '"region": course.region, "key_id": course.session.get_credentials().access_key}')
    first, second = (json.loads(_run(script).stdout.strip().splitlines()[-1]) for _ in range(2))
    assert first["key"] == second["key"]
    assert first["key_id"] != second["key_id"] and first["key_id"].startswith("AKIA")
