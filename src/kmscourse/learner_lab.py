"""Start the learner's JupyterLab on the course, as `make lab` does: the course's Jupyter config first, lesson 00 open."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .links import LESSON_00

DEFAULT_URL = f"/lab/tree/{LESSON_00}"
"""JupyterLab's default URL: the page it opens, and the link it prints when no browser opens (--no-browser, ssh)."""


def command(root: Path, extra: list[str]) -> list[str]:
    """The `jupyter lab` command line: the repository as root folder, lesson 00 first, --allow-root only as root."""
    allow_root = ["--allow-root"] if os.geteuid() == 0 else []  # Jupyter refuses root (containers, Binder) without it
    return [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}", f"--LabApp.default_url={DEFAULT_URL}",
            *allow_root, *extra]


def environment(root: Path) -> dict[str, str]:
    """This environment with etc/jupyter first on the config path.

    etc/jupyter switches off the test-only extensions (nbgrader's) that `make test` or environment.yml install beside
    the course, so the learner's JupyterLab shows none of their menus and buttons.
    """
    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(root / "etc" / "jupyter"), env.get("JUPYTER_CONFIG_PATH")) if p)
    return env


def replace_process(root: Path, extra: list[str]) -> None:
    """Become JupyterLab (so Ctrl+C and a signal to this process reach it), never returning."""
    os.execve(sys.executable, command(root, extra), environment(root))
