"""In emulator mode nothing leaves the machine, even with real-looking credentials, a profile and a proxy set."""
from __future__ import annotations

import json
import subprocess
import sys

from support import BIN, ROOT, clean_env

PROBE = r"""
import json, subprocess, boto3, kmscourse
urls = []
def record(request, **kwargs):
    urls.append(request.url)
course = kmscourse.start(quiet=True)
course.session.events.register("before-send", record)
for service, call in [("sts", "get_caller_identity"), ("kms", "list_keys"), ("s3", "list_buckets"),
                      ("iam", "list_users"), ("cloudformation", "list_stacks")]:
    getattr(course.client(service), call)()
# A learner who builds their own client the usual way gets the course backend too.
plain = boto3.session.Session()
plain.events.register("before-send", record)
plain.client("kms").list_keys()
plain.client("sts").get_caller_identity()
cli = subprocess.run([%(aws)r, "--debug", "kms", "list-keys"], capture_output=True, text=True)
print(json.dumps({"urls": urls, "cli_rc": cli.returncode, "cli_debug": cli.stderr}))
"""


def test_no_request_leaves_the_machine(tmp_path) -> None:
    """Every SDK and CLI request goes to 127.0.0.1, although a real-looking default profile says otherwise."""
    aws = tmp_path / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAREALLOOKINGKEY01\naws_secret_access_key = realLookingSecret\n"
        "[work]\naws_access_key_id = AKIAREALLOOKINGKEY02\naws_secret_access_key = realLookingSecret2\n"
    )
    (aws / "config").write_text("[default]\nregion = eu-west-1\n[profile work]\nregion = eu-central-1\n")
    env = clean_env(
        HOME=str(tmp_path), AWS_PROFILE="work", AWS_ENDPOINT_URL_KMS="https://kms.eu-central-1.amazonaws.com",
        AWS_SESSION_TOKEN="real-looking-token", HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
    )
    proc = subprocess.run([sys.executable, "-c", PROBE % {"aws": str(BIN / "aws")}], capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(data["urls"]) == 7
    assert all(u.startswith("http://127.0.0.1:") for u in data["urls"]), data["urls"]
    assert data["cli_rc"] == 0, data["cli_debug"][-2000:]
    sent = [line for line in data["cli_debug"].splitlines() if "Sending http request" in line]
    assert sent and all("url=http://127.0.0.1:" in line for line in sent), sent
    assert "amazonaws.com" not in " ".join(sent)
