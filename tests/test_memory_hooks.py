"""What keeps a lesson kernel small (at most 150 MB RSS), checked so a moto or botocore upgrade fails here.

benchmarks/lesson_memory.py measures the kernels; these tests prove each saving still happens for the course's
own stacks and sessions. kmsemu's savings themselves are checked in emulator/tests/test_memory_savings.py.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, clean_env

from kmscourse.sessions import new_session, shared_loader

PROBE = """
import json, sys
import kmscourse
from kmscourse import prereqs
from kmsemu.cloudformation.deferred_models import DEFERRED_MODELS, DeferredModule

def real(name):
    return name in sys.modules and not isinstance(sys.modules[name], DeferredModule)

course = kmscourse.start(quiet=True)
prereqs.ensure_course_key(course)
print(json.dumps({"after_course_key": sorted(n for n in DEFERRED_MODELS if real(n))}))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    """Run a lesson's CloudFormation in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=clean_env(), timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_course_key_stack_loads_no_deferred_models(probe: dict) -> None:
    """Deploying the course key's stack imports none of the deferred services (EC2, SSM, API Gateway, ...)."""
    assert probe["after_course_key"] == []


def test_course_sessions_share_one_loader(course) -> None:
    """sessions: the learner, a cast member and a new session all parse service models through one loader."""
    from kmscourse.cast import colleague

    loaders = {id(s._session.get_component("data_loader")) for s in (course.session, colleague(course).session, new_session())}
    assert loaders == {id(shared_loader())}


def _session_calls(path: Path) -> list[str]:
    """The boto3.Session(...) and get_session() calls in one source file."""
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in ("Session", "get_session"):
                calls.append(f"{path.name}:{node.lineno}")
    return calls


def test_package_makes_sessions_only_through_the_shared_loader() -> None:
    """No course module creates a boto3 or botocore session itself, which would load models again (kmsemu's are
    checked in emulator/tests/test_memory_savings.py)."""
    offenders = [call for path in (ROOT / "src" / "kmscourse").rglob("*.py") for call in _session_calls(path)]
    assert offenders == []
    assert _session_calls(ROOT / "emulator" / "src" / "kmsemu" / "sessions.py")  # the check itself finds calls
