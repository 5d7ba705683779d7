"""Code and docs stand on their own: no references to tracker issue numbers, which mean nothing to a reader."""
from __future__ import annotations

import re
import subprocess

from support import ROOT

_ISSUE = re.compile(r"\bissues? ?#?\d+\b|\(#\d+\)", re.IGNORECASE)
_TEXT = (".py", ".md", ".ipynb", ".toml", ".cfg", ".yml", ".yaml", ".txt", "Makefile", ".sh")


def test_no_file_refers_to_an_issue_number() -> None:
    """Every tracked source, doc and notebook is free of references to numbered tracker issues."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    found = []
    for name in tracked:
        if not name.endswith(_TEXT) or name == "constraints.txt":
            continue
        path = ROOT / name
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if _ISSUE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:100]}")
    assert found == []


def test_readme_commands_run_the_venvs_kmscourse() -> None:
    """Run as written, `kmscourse ...` outside an active environment is "command not found": the README's commands
    name `.venv/bin/kmscourse`, except after `conda activate` and in a hub terminal, where it is on PATH."""
    text = (ROOT / "README.md").read_text()
    bare = [c for c in re.findall(r"`([^`]*)`", text)
            if re.search(r"(?<![/\w-])kmscourse ", c) and "conda activate" not in c and c != "kmscourse progress"]
    assert not bare, bare
