"""The emulator skips rfc3987-syntax, and what imported it still works without it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EMULATOR = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from kmsemu import Emulator
from kmsemu.sessions import new_session
emu = Emulator(port=0).start()
creds = emu.create_user("probe")
session = new_session(aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
                      region_name="us-west-2")
cfn = session.client("cloudformation", endpoint_url=emu.url)
template = {"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"Description": "probe"}},
            "Alias": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/kmsemu-probe-key",
                                                                  "TargetKeyId": {"Ref": "Key"}}}}}
cfn.create_stack(StackName="kmsemu-probe", TemplateBody=json.dumps(template))
cfn.get_waiter("stack_create_complete").wait(StackName="kmsemu-probe", WaiterConfig={"Delay": 1})
alias = session.client("kms", endpoint_url=emu.url).list_aliases()["Aliases"]
import jsonschema
print(json.dumps({"skipped": sys.modules.get("rfc3987_syntax", "absent") is None,
                  "key": [a["AliasName"] for a in alias if not a["AliasName"].startswith("alias/aws/")][0],
                  "jsonschema_ok": jsonschema.Draft202012Validator({"type": "string"}).is_valid("x")}))
"""


def probe_env() -> dict[str, str]:
    """This environment without AWS settings, and with loopback kept away from any proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def test_cloudformation_and_jsonschema_work_without_rfc3987_syntax() -> None:
    """After start(), rfc3987_syntax is marked absent, a stack deploys, and jsonschema still validates."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=EMULATOR, env=probe_env(), timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == (
        '{"skipped": true, "key": "alias/kmsemu-probe-key", "jsonschema_ok": true}'
    )
