"""The install files agree with each other, and CI runs exactly the README's test command."""
from __future__ import annotations

import re
import tomllib

import yaml
from support import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_environment_yml_declares_the_same_dependencies_as_pyproject() -> None:
    """conda/Binder users get what pip users get: runtime dependencies plus test extras, spelled the same."""
    project = _pyproject()
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert [p for p in pip if p not in ("-e .", "-e ./emulator")] == [d for d in declared if d != "kmsemu"]
    assert pip.index("-e ./emulator") < pip.index("-e ."), "kmsemu (emulator/) installs before the course that needs it"
    assert "-e ." in pip
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python == "python=3.11" and project["requires-python"] == ">=3.11"


def test_constraints_pin_every_declared_dependency() -> None:
    """constraints.txt fixes an exact version for each package the project names."""
    pinned = {
        re.split(r"==", line)[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    project = _pyproject()
    for requirement in project["dependencies"] + project["optional-dependencies"]["test"]:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower()
        if name == "kmsemu":
            continue  # this repository's own emulator/, installed from the checkout
        assert name in pinned, f"{name} is not pinned in constraints.txt"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert ci[-1].strip() == "make test"
    assert "make test" in readme and "make lab" in readme and "make course" in readme
    assert "conda env create -f environment.yml" in readme and "KMSCOURSE_BACKEND=aws" in readme


def test_generated_docs_are_in_sync() -> None:
    """docs/architecture.md's module table and docs/configuration.md come from the code (`make docs`)."""
    from kmscourse import devdocs

    for path, text in devdocs.expected(ROOT).items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is out of date; run `make docs`."


def test_readme_module_map_links_every_lesson_and_lab() -> None:
    """Every lesson, and the learner's own copy of every lab (my-labs/, made by `make lab`), is linked from the README."""
    readme = (ROOT / "README.md").read_text()
    links = set(re.findall(r"\]\(((?:notebooks|my-labs)/[^)]+\.ipynb)\)", readme))
    lessons = {p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb")}
    copies = {f"my-labs/{p.name}" for p in (ROOT / "labs").glob("*.ipynb")}
    assert links == lessons | copies


def test_course_and_emulator_versions_move_in_lockstep() -> None:
    """One VERSION file gives both distributions their version, and the installed ones agree with it."""
    from importlib.metadata import version

    import kmsemu

    source = (ROOT / "emulator" / "src" / "kmsemu" / "VERSION").read_text().strip()
    assert version("kmscourse") == version("kmsemu") == kmsemu.__version__ == source
    assert 'version = { file = "emulator/src/kmsemu/VERSION" }' in (ROOT / "pyproject.toml").read_text()
