"""The emulator skips rfc3987-syntax, and what imported it still works without it."""
from __future__ import annotations

import subprocess
import sys

from support import ROOT, clean_env

PROBE = """
import json, sys, time
import kmscourse
from kmscourse import prereqs
course = kmscourse.start(quiet=True)
key = prereqs.ensure_course_key(course)
import jsonschema
print(json.dumps({"skipped": sys.modules.get("rfc3987_syntax", "absent") is None, "key": key.alias,
                  "jsonschema_ok": jsonschema.Draft202012Validator({"type": "string"}).is_valid("x")}))
"""


def test_cloudformation_and_jsonschema_work_without_rfc3987_syntax() -> None:
    """After start(), rfc3987_syntax is marked absent, a stack deploys, and jsonschema still validates."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=clean_env(), timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == (
        '{"skipped": true, "key": "alias/kmscourse-learner-key", "jsonschema_ok": true}'
    )
