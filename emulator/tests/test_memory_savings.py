"""What keeps a process that runs kmsemu small, checked so a moto or botocore upgrade fails here.

The savings: CloudFormation's models for services kmsemu does not serve are deferred until a template needs them,
moto's region lookups read through kmsemu's one botocore loader, and moto's managed-policy text is released.
(The course's lesson-kernel budget is checked in the course's tests/test_memory_hooks.py.)
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from kmsemu.cloudformation import deferred_models as deferred

EMULATOR = Path(__file__).resolve().parents[1]


def probe_env() -> dict[str, str]:
    """This environment without AWS settings, and with loopback kept away from any proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def _moto_imports(module: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every `from moto.X import a, b` in one of moto's modules, as (X's full name, names)."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    source = Path(spec.origin).read_text()
    return [(node.module, tuple(a.name for a in node.names)) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("moto.")]


def test_deferred_and_kept_models_are_exactly_what_cloudformation_imports() -> None:
    """cfn_deferred_models: every models module moto's CloudFormation parser imports is either deferred or kept."""
    imported = {f"{module}.models" for module, names in _moto_imports("moto.cloudformation.parsing") if names == ("models",)}
    assert imported == set(deferred.DEFERRED_MODELS) | set(deferred.KEPT_MODELS)
    assert not set(deferred.DEFERRED_MODELS) & set(deferred.KEPT_MODELS)


def test_other_names_from_deferred_packages_have_stand_ins() -> None:
    """cfn_deferred_models: any other name CloudFormation imports from a deferred package is in DEFERRED_NAMES."""
    packages = {name.rpartition(".")[0] for name in deferred.DEFERRED_MODELS}
    for module in ("moto.cloudformation.parsing", "moto.cloudformation.custom_model", "moto.cloudformation.models",
                   "moto.cloudformation.responses", "moto.cloudformation.utils"):
        for source, names in _moto_imports(module):
            if names != ("models",) and any(source == p or source.startswith(p + ".") for p in packages):
                assert set(names) <= set(deferred.DEFERRED_NAMES.get(source, ())), (module, source, names)


def test_stand_in_class_answers_false_until_its_module_loads() -> None:
    """A stand-in class is never an instance's class while its module is absent, and the real answer after."""
    stand_in = deferred._stand_in("kmsemu_test_absent_module", "Thing")
    assert not isinstance(object(), stand_in)
    real = types.ModuleType("kmsemu_test_absent_module")
    real.Thing = type("Thing", (), {})  # type: ignore[attr-defined]
    sys.modules[real.__name__] = real
    try:
        assert isinstance(real.Thing(), stand_in)
        assert not isinstance(object(), stand_in)
    finally:
        del sys.modules[real.__name__]


def test_reading_a_stand_in_during_the_import_fails_with_what_to_change() -> None:
    """A kept module that needs a deferred one while CloudFormation imports gets a clear ImportError, not recursion."""
    name = "kmsemu_test_deferred.models"
    with deferred._standing_in({name: deferred.DeferredModule(name)}):
        with pytest.raises(ImportError, match="add it to KEPT_MODELS"):
            sys.modules[name].anything  # noqa: B018 - the read is the test
    assert name not in sys.modules


PROBE = """
import json, sys
from kmsemu import Emulator
from kmsemu.cloudformation.deferred_models import DEFERRED_MODELS, DeferredModule
from kmsemu.sessions import new_session, shared_loader

def real(name):
    return name in sys.modules and not isinstance(sys.modules[name], DeferredModule)

emu = Emulator(port=0).start()
creds = emu.create_user("probe")
session = new_session(aws_access_key_id=creds.access_key_id, aws_secret_access_key=creds.secret_access_key,
                      region_name="us-west-2")
cfn = session.client("cloudformation", endpoint_url=emu.url)
kms_only = {"Resources": {"Key": {"Type": "AWS::KMS::Key", "Properties": {"Description": "probe"}},
            "Alias": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/probe", "TargetKeyId": {"Ref": "Key"}}}}}
cfn.create_stack(StackName="kmsemu-probe-kms", TemplateBody=json.dumps(kms_only))
cfn.get_waiter("stack_create_complete").wait(StackName="kmsemu-probe-kms", WaiterConfig={"Delay": 1})
report = {"after_kms_stack": sorted(n for n in DEFERRED_MODELS if real(n))}
from moto.core.base_backend import AccountSpecificBackend
import moto.iam.models
report["moto_shares_loader"] = AccountSpecificBackend.get_session()._session.get_component("data_loader") is shared_loader()
report["policy_text_kb"] = len(moto.iam.models.aws_managed_policies_data) // 1024

template = {"Resources": {
    "Param": {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/kmsemu/probe", "Type": "String", "Value": "v"}},
    "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "probe"}}}}
cfn.create_stack(StackName="kmsemu-probe", TemplateBody=json.dumps(template))
report["status"] = cfn.describe_stacks(StackName="kmsemu-probe")["Stacks"][0]["StackStatus"]
# kmsemu serves no SSM or EC2 API, so the resources are read from moto's backends in this process.
from moto.ec2.models import ec2_backends
from moto.ssm.models import ssm_backends
report["parameter"] = ssm_backends[creds.account_id]["us-west-2"].get_parameter("/kmsemu/probe").value
group = cfn.describe_stack_resource(StackName="kmsemu-probe", LogicalResourceId="Group")
found = ec2_backends[creds.account_id]["us-west-2"].describe_security_groups(group_ids=[group["StackResourceDetail"]["PhysicalResourceId"]])
report["group_tags"] = sorted(t["key"] for t in found[0].get_tags())
report["all_real_after"] = all(real(n) for n in DEFERRED_MODELS)
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def probe() -> dict:
    """Run a KMS-only template, then a template with deferred types, on an Emulator in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=EMULATOR, env=probe_env(), timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_kms_stack_loads_no_deferred_models(probe: dict) -> None:
    """Deploying a key and an alias imports none of the deferred services (EC2, SSM, API Gateway, ...)."""
    assert probe["after_kms_stack"] == []


def test_template_with_deferred_types_still_deploys(probe: dict) -> None:
    """An SSM parameter and an EC2 security group deploy, the group gets the stack's tags, and the models are real."""
    assert probe["status"] == "CREATE_COMPLETE"
    assert probe["parameter"] == "v"
    assert {"aws:cloudformation:stack-name", "aws:cloudformation:logical-id"} <= set(probe["group_tags"])
    assert probe["all_real_after"]


def test_moto_region_lookup_uses_the_shared_loader(probe: dict) -> None:
    """moto_session: moto's cached region-lookup session reads botocore data through kmsemu's one loader."""
    assert probe["moto_shares_loader"] is True


def test_managed_policy_text_is_released(probe: dict) -> None:
    """identity: moto's 4.5 MB managed-policy text is replaced by the few policies the emulator installs."""
    assert probe["policy_text_kb"] < 512


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
    """No kmsemu module but sessions.py creates a boto3 or botocore session itself, which would load models again."""
    package = EMULATOR / "src" / "kmsemu"
    offenders = [call for path in package.rglob("*.py") if path.name != "sessions.py" for call in _session_calls(path)]
    assert offenders == []
    assert _session_calls(package / "sessions.py")  # the check itself finds calls
