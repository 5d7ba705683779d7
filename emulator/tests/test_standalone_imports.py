"""kmsemu stands alone: importing it, its server and its pipeline loads nothing of the course or of Jupyter."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

FORBIDDEN = {"kmscourse", "jupyter", "jupyter_client", "jupyter_core", "nbclient", "ipykernel", "IPython", "nbformat"}


def _loaded(imports: str, roots: set[str]) -> list[str]:
    """The modules under `roots` that a fresh interpreter has loaded after `import <imports>`."""
    probe = f"import {imports}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(roots)!r}))"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KMSCOURSE_"))}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, proc.stderr[-2000:]
    return list(ast.literal_eval(proc.stdout.strip().splitlines()[-1]))


def test_importing_kmsemu_loads_no_course_or_jupyter_module() -> None:
    """A fresh interpreter that imports kmsemu, kmsemu.server and kmsemu.pipeline has none of them in sys.modules."""
    assert _loaded("kmsemu, kmsemu.server, kmsemu.pipeline", FORBIDDEN) == []


def test_the_probe_sees_what_was_imported() -> None:
    """The same probe lists a module the interpreter did import, so an empty list above means something."""
    assert "xml.dom.minidom" in _loaded("kmsemu, xml.dom.minidom", {"xml"})
