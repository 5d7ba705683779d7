"""Zero to JupyterHub: the Helm values, the two images they name, and the workshop config loaded as the chart loads it.

There is no Docker engine or Kubernetes cluster here, so neither image is built and nothing is installed with Helm
(docs/instructors.md says so). These tests check offline what can be checked: the values use only keys the chart
documents, the images install from the same pins as `make lab` and binder/ and COPY files that exist, their tags are
the course's version, and workshop/jupyterhub_config.py, exec()'d the way the chart execs jupyterhub_config.d files,
gives the progress service the same roles and scopes as on one VM and everything the values point at.
"""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.traitlets import ByteSpecification
from support import ROOT
from traitlets.config import Config, LazyConfigValue

from kmscourse import links
from kmscourse.workshop import progress_service

VALUES = ROOT / "workshop" / "z2jh" / "values.yaml"
HUB_CONFIG = ROOT / "workshop" / "jupyterhub_config.py"
IMAGE = ROOT / "workshop" / "image" / "Dockerfile"
HUB_IMAGE = ROOT / "workshop" / "image" / "hub.Dockerfile"
GUIDE = ROOT / "docs" / "instructors.md"
VERSION = (ROOT / "emulator" / "src" / "kmsemu" / "VERSION").read_text().strip()
CONFIG_D = "/usr/local/etc/jupyterhub/jupyterhub_config.d/"
"""Where the chart loads extra config files from, after its own (hub.extraFiles in the reference below)."""

OPEN = None
"""Below this key the chart takes a Kubernetes object or free-form JupyterHub config, which it does not check."""
DOCUMENTED: dict[str, Any] = {
    # The keys this course uses, each as documented in the chart's configuration reference
    # (https://z2jh.jupyter.org/en/stable/resources/reference.html); its values.schema.json is not available offline.
    "hub": {
        "image": {"name": OPEN, "tag": OPEN, "pullPolicy": OPEN, "pullSecrets": OPEN},
        "extraFiles": {"*": {"mountPath": OPEN, "data": OPEN, "stringData": OPEN, "binaryData": OPEN, "mode": OPEN}},
        "extraEnv": OPEN,
        "service": {"type": OPEN, "ports": OPEN, "annotations": OPEN, "extraPorts": OPEN, "loadBalancerIP": OPEN},
        "networkPolicy": {"enabled": OPEN, "ingress": OPEN, "egress": OPEN, "egressAllowRules": OPEN},
        "config": OPEN,
    },
    "singleuser": {
        "image": {"name": OPEN, "tag": OPEN, "pullPolicy": OPEN, "pullSecrets": OPEN},
        "defaultUrl": OPEN,
        "lifecycleHooks": {"postStart": OPEN, "preStop": OPEN},
        "cpu": {"guarantee": OPEN, "limit": OPEN},
        "memory": {"guarantee": OPEN, "limit": OPEN},
        "extraEnv": OPEN,
        "networkPolicy": {"enabled": OPEN, "ingress": OPEN, "egress": OPEN, "egressAllowRules": OPEN},
    },
    "cull": {"enabled": OPEN, "timeout": OPEN, "every": OPEN, "users": OPEN, "adminUsers": OPEN, "maxAge": OPEN},
}
KNOBS = ("KMSCOURSE_SERVICE_PORT", "KMSCOURSE_SERVICE_HOST", "KMSCOURSE_SERVICE_DIR", "KMSCOURSE_SERVICE_PYTHON",
         "KMSCOURSE_COURSE_FOLDER", "KMSCOURSE_IDLE_TIMEOUT")
CHART_CULLER = {"name": "jupyterhub-idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler"]}


def _values() -> dict[str, Any]:
    return yaml.safe_load(VALUES.read_text())


def undocumented(values: dict[str, Any], allowed: dict[str, Any], path: str = "") -> list[str]:
    """Every dotted key in `values` that `allowed` does not document."""
    found = []
    for key, value in values.items():
        if key not in allowed and "*" not in allowed:
            found.append(f"{path}{key}")
            continue
        below = allowed.get(key, allowed.get("*"))
        if below is not OPEN and isinstance(value, dict):
            found += undocumented(value, below, f"{path}{key}.")
    return found


def _load(namespace_config: Config, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          get_config: Any) -> dict[str, Any]:
    """exec() the workshop config with `env` as the hub's environment; its namespace afterwards."""
    for name in KNOBS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("KMSCOURSE_SERVICE_DIR", str(tmp_path / "service"))  # never the pod's /srv/jupyterhub here
    namespace = {"c": namespace_config, "get_config": get_config}
    exec(compile(HUB_CONFIG.read_text(), str(HUB_CONFIG), "exec"), namespace)
    return namespace


def on_one_vm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The config as a plain JupyterHub loads it (traitlets gives the file `c` and get_config())."""
    config = Config()
    return _load(config, {}, tmp_path, monkeypatch, lambda: config)


def on_z2jh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The config as the chart loads it: after its own settings, in its namespace, with the values' hub.extraEnv."""
    values = _values()
    config = Config()
    config.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    config.KubeSpawner.environment = dict(values["singleuser"].get("extraEnv", {}))  # the chart sets it, {} or not
    config.JupyterHub.services = [dict(CHART_CULLER)] if values["cull"]["enabled"] else []
    config.JupyterHub.load_roles = [{"name": "jupyterhub-idle-culler", "services": ["jupyterhub-idle-culler"]}]

    def chart_get_config(key: str, default: Any = None) -> Any:
        """The chart's own get_config: a lookup of Helm values by dotted key (which a bare get_config() would break)."""
        node: Any = values
        for part in key.split("."):
            node = node.get(part, default) if isinstance(node, dict) else default
        return node

    return _load(config, values["hub"]["extraEnv"], tmp_path, monkeypatch, chart_get_config)


def listed(value: Any) -> list[Any]:
    """A list setting as the hub will see it (on a fresh Config, appends are recorded lazily)."""
    return value.get_value([]) if isinstance(value, LazyConfigValue) else value


def _service(c: Config) -> dict[str, Any]:
    return next(s for s in listed(c.JupyterHub.services) if s["name"] == "kmscourse")


def test_values_use_only_keys_the_chart_documents() -> None:
    values = _values()
    assert undocumented(values, DOCUMENTED) == []
    # The check itself finds a misspelt key, at any depth.
    assert undocumented({"singleuser": {"defaultURL": "/lab", "cpu": {"guarantee": 1}}, "culling": {}}, DOCUMENTED) == [
        "singleuser.defaultURL", "culling"]


def test_the_hub_gets_the_progress_service_from_the_workshop_file_itself() -> None:
    """No copy of the service or its roles in the values: Helm mounts workshop/jupyterhub_config.py into config.d."""
    values = _values()
    assert set(values["hub"]["extraFiles"]) == {"kmscourse"}
    mounted = values["hub"]["extraFiles"]["kmscourse"]
    assert mounted["mountPath"].startswith(CONFIG_D) and mounted["mountPath"].endswith(".py")
    assert set(mounted) == {"mountPath"}, "the file's content comes from --set-file, never from a copy in the values"
    assert "services" not in values["hub"] and "loadRoles" not in values["hub"] and "extraConfig" not in values["hub"]
    set_file = "--set-file hub.extraFiles.kmscourse.stringData=workshop/jupyterhub_config.py"
    assert set_file in VALUES.read_text() and set_file in GUIDE.read_text()


def test_the_service_has_the_same_roles_and_scopes_as_on_one_vm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vm, k8s = on_one_vm(tmp_path, monkeypatch)["c"], on_z2jh(tmp_path, monkeypatch)["c"]
    ours = [r for r in listed(k8s.JupyterHub.load_roles) if r["name"] != "jupyterhub-idle-culler"]
    assert ours == [r for r in listed(vm.JupyterHub.load_roles) if r["name"] != "idle-culler"]
    assert any(r["services"] == ["kmscourse"] for r in ours)
    assert k8s.Spawner.server_token_scopes == vm.Spawner.server_token_scopes
    assert "access:services!service=kmscourse" in k8s.Spawner.server_token_scopes
    same = ("command", "oauth_no_confirm", "display")
    assert {k: _service(k8s)[k] for k in same} == {k: _service(vm)[k] for k in same}
    # The chart runs the only culler (cull below); on one VM the file adds its own.
    assert [s["name"] for s in listed(k8s.JupyterHub.services)] == ["jupyterhub-idle-culler", "kmscourse"]
    assert [s["name"] for s in listed(vm.JupyterHub.services)] == ["kmscourse", "idle-culler"]


def test_the_proxy_and_learners_reach_the_service_through_the_hub_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values, k8s = _values(), on_z2jh(tmp_path, monkeypatch)["c"]
    port = int(values["hub"]["extraEnv"]["KMSCOURSE_SERVICE_PORT"])
    assert values["hub"]["service"]["extraPorts"] == [{"name": "kmscourse", "port": port, "targetPort": port}]
    ingress = values["hub"]["networkPolicy"]["ingress"]
    assert [[p["port"] for p in rule["ports"]] for rule in ingress] == [[port], [8081]]  # the service; the hub's API
    assert ingress[1]["from"] == values["singleuser"]["networkPolicy"]["egress"][0]["to"]  # both select the hub pod
    assert [p["port"] for rule in values["singleuser"]["networkPolicy"]["egress"] for p in rule["ports"]] == [port]
    service = _service(k8s)
    assert service["url"] == f"http://hub:{port}"
    monkeypatch.setenv("KMSCOURSE_SERVICE_BIND", service["environment"]["KMSCOURSE_SERVICE_BIND"])
    assert progress_service.listen_address(service["url"]) == ("0.0.0.0", port)  # not the Service's address
    monkeypatch.delenv("KMSCOURSE_SERVICE_BIND")
    assert progress_service.listen_address("http://127.0.0.1:10101") == ("127.0.0.1", 10101)
    assert "environment" not in _service(on_one_vm(tmp_path, monkeypatch)["c"])  # one VM: loopback, as before

    class KubeSpawner(LocalProcessSpawner):
        """Stands in for kubespawner's class: only its name matters to the config's sections."""

    # The chart's c.KubeSpawner.environment outranks c.Spawner's, and still carries the learners' progress URL.
    environment = KubeSpawner(config=k8s).environment
    assert environment["KMSCOURSE_PROGRESS_URL"] == f"http://hub:{port}/services/kmscourse/"
    assert values["hub"]["extraEnv"]["KMSCOURSE_SERVICE_DIR"].startswith("/srv/jupyterhub/")  # the hub's own volume


def test_learners_get_the_course_in_the_folder_the_hub_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = _values()
    namespace = on_z2jh(tmp_path, monkeypatch)
    assert values["singleuser"]["defaultUrl"] == namespace["c"].Spawner.default_url == on_one_vm(tmp_path, monkeypatch)["c"].Spawner.default_url
    command = values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[:2] == ["sh", "-c"]
    steps = [shlex.split(step) for step in command[2].split("&&")]
    assert steps[0][0] == "gitpuller" and len(steps[0]) == 4  # gitpuller <repo> <branch> <folder>
    folder = steps[0][3]
    assert folder == namespace["COURSE_FOLDER"] and steps[1:] == [["cd", folder], ["kmscourse", "lab"]]
    assert values["singleuser"]["defaultUrl"] == f"/lab/tree/{folder}/{links.LESSON_00}"
    assert (ROOT / links.LESSON_00).is_file()


def test_resources_are_the_sizing_guide_s_figures() -> None:
    """docs/instructors.md states the plan from benchmarks/workshop_sizing.py's figures; the values carry it out."""
    guide = " ".join(GUIDE.read_text().split())
    plan = re.search(r"on Kubernetes, request ([\d.]+) CPU and (\d+) MiB per learner, and limit each to ([\d.]+) CPU and (\d+) GiB", guide)
    assert plan, "the sizing step no longer states the Kubernetes requests and limits"
    server = int(re.search(r"single-user server starts in [\d.]+ s and takes (\d+) MB idle", guide).group(1))  # type: ignore[union-attr]
    kernel = int(re.search(r"its emulator included, takes (\d+) MB", guide).group(1))  # type: ignore[union-attr]
    cpu, memory = _values()["singleuser"]["cpu"], _values()["singleuser"]["memory"]
    as_bytes = ByteSpecification().validate  # as KubeSpawner reads them: M and G are powers of 1024
    assert (cpu["guarantee"], cpu["limit"]) == (float(plan.group(1)), float(plan.group(3)))
    assert as_bytes(None, memory["guarantee"]) == int(plan.group(2)) * 2**20
    assert as_bytes(None, memory["limit"]) == int(plan.group(4)) * 2**30
    assert as_bytes(None, memory["guarantee"]) >= (server + kernel) * 10**6, "the request must hold a measured learner"


def test_the_chart_culls_after_the_one_vm_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values, vm = _values(), on_one_vm(tmp_path, monkeypatch)
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == vm["IDLE_TIMEOUT"]
    culler = next(s for s in listed(vm["c"].JupyterHub.services) if s["name"] == "idle-culler")
    assert f"--timeout={vm['IDLE_TIMEOUT']}" in culler["command"]


def test_the_values_make_the_instructors_group_the_service_reads() -> None:
    assert set(_values()["hub"]["config"]["JupyterHub"]["load_groups"]) == {progress_service.INSTRUCTORS}


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, its arguments) for each instruction, continuation lines joined and comments left out."""
    joined = dockerfile.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0], " ".join(line.split()[1:])) for line in lines]


def _copied(dockerfile: Path) -> list[str]:
    """The sources of every COPY, relative to the build context (the repository's root)."""
    return [source for op, args in _instructions(dockerfile) if op == "COPY" for source in args.split()[:-1]]


def _build_inputs() -> list[str]:
    """What pip reads to build the course: its pyproject's readme, license and version file."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return ["pyproject.toml", pyproject["project"]["readme"], *pyproject["project"]["license-files"],
            pyproject["tool"]["setuptools"]["dynamic"]["version"]["file"]]


@pytest.mark.parametrize("dockerfile", [IMAGE, HUB_IMAGE], ids=["singleuser", "hub"])
def test_each_image_copies_files_that_exist_and_all_a_build_reads(dockerfile: Path) -> None:
    copied = _copied(dockerfile)
    assert copied and all((ROOT / source).exists() for source in copied), copied
    for needed in [*_build_inputs(), "src/kmscourse/__init__.py"]:
        assert any(needed == source or needed.startswith(source.rstrip("/") + "/") for source in copied), needed


def test_the_single_user_image_installs_from_the_same_pins_as_binder() -> None:
    steps = _instructions(IMAGE)
    post_build = (ROOT / "binder" / "postBuild").read_text()
    install = re.search(r"pip install --no-cache-dir (-c constraints.txt -e ./emulator -e .)", post_build)
    assert install and ("RUN", f"python -m pip install --no-cache-dir {install.group(1)} jupyterhub nbgitpuller") in steps
    assert steps.index(("WORKDIR", "/opt/kmscourse")) < [op for op, _ in steps].index("RUN", 2)  # constraints.txt is ./
    assert "templates" in _copied(IMAGE)  # stacks.py reads templates/ beside src/, hence the editable install
    python = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())["dependencies"][0]
    assert steps[0] == ("FROM", f"python:{python.removeprefix('python=')}-slim-bookworm")
    pins = (ROOT / "constraints.txt").read_text()
    major = re.search(r"^jupyterhub==(\d+)\.", pins, re.M).group(1)  # type: ignore[union-attr]
    assert f"APP VERSION is JupyterHub {major}.x" in " ".join(GUIDE.read_text().split()), "the guide names the hub version the pin needs"


def test_the_values_name_the_images_the_guide_builds_at_the_course_s_version() -> None:
    values, guide = _values(), " ".join(GUIDE.read_text().replace("\\\n", " ").split())
    for key, dockerfile in (("singleuser", IMAGE), ("hub", HUB_IMAGE)):
        image = values[key]["image"]
        assert image["tag"] == VERSION, f"{key}.image.tag is {image['tag']}; the course is {VERSION}"
        built = re.search(rf"docker build -f {dockerfile.relative_to(ROOT)} (?:--build-arg CHART_VERSION=<chart version> )?-t (\S+) \.", guide)
        assert built and built.group(1) == f"{image['name']}:{image['tag']}"
        assert f"docker push {image['name']}:{image['tag']}" in guide


def test_the_hub_image_runs_the_service_without_the_course_s_dependencies(tmp_path: Path) -> None:
    """hub.Dockerfile installs the course with --no-deps: the service must import and start without boto3, moto, kmsemu."""
    assert "pip install --no-cache-dir --no-deps /tmp/kmscourse" in HUB_IMAGE.read_text()
    probe = """
import importlib.abc, sys
ABSENT = {"boto3", "botocore", "moto", "kmsemu", "awscli", "nbformat", "nbclient", "jupyterlab", "cfn_lint",
          "aws_encryption_sdk", "ipykernel", "tqdm"}
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ABSENT:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Absent())
from kmscourse.workshop import progress_service, records, store
from pathlib import Path
app = progress_service.make_app(store.Store(Path(sys.argv[1])), "/services/kmscourse/")
print(records.known_labs()[0], sorted(m for m in sys.modules if m.split(".")[0] in ABSENT))
"""
    env = {"PATH": "/usr/bin:/bin", "JUPYTERHUB_API_TOKEN": "t", "JUPYTERHUB_API_URL": "http://127.0.0.1:1/hub/api",
           "JUPYTERHUB_SERVICE_PREFIX": "/services/kmscourse/", "JUPYTERHUB_CLIENT_ID": "service-kmscourse"}
    run = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "progress.sqlite")], capture_output=True, text=True,
                         timeout=60, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Lab 00 []"
