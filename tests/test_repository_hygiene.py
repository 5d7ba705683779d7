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
