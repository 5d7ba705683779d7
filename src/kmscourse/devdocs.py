"""Generated parts of docs/: the module table (from module docstrings) and the settings table (`make docs`).

Also the whole of docs/fidelity.md, the fidelity appendix, from kmsemu's fidelity table.
"""
from __future__ import annotations

import ast
from pathlib import Path

from . import fidelity, settings

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parents[1]
PACKAGES = (ROOT / "src" / "kmscourse", ROOT / "emulator" / "src" / "kmsemu")
"""The course's helper package and the emulator package, both tabled in docs/architecture.md."""
BEGIN, END = "<!-- BEGIN GENERATED: make docs -->", "<!-- END GENERATED -->"


def module_table() -> str:
    """Every module of both packages with the first line of its docstring, as a markdown table."""
    rows = ["| Module | Holds |", "|---|---|"]
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            doc = ast.get_docstring(ast.parse(path.read_text())) or ""
            first = doc.strip().splitlines()[0] if doc.strip() else ""
            rows.append(f"| `{package.name}/{path.relative_to(package).as_posix()}` | {first.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


def _splice(text: str, generated: str) -> str:
    """Replace what stands between the generated-section markers."""
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{generated}{END}{tail}"


def expected(root: Path) -> dict[Path, str]:
    """Each generated doc file and the text it should have."""
    arch = root / "docs" / "architecture.md"
    config = root / "docs" / "configuration.md"
    return {arch: _splice(arch.read_text(), module_table()), config: _splice(config.read_text(), settings.markdown_table()),
            root / "docs" / "fidelity.md": fidelity.appendix_markdown()}


def write(root: Path) -> list[Path]:
    """Regenerate the generated sections and files; return the files that changed."""
    changed = []
    for path, text in expected(root).items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


if __name__ == "__main__":
    for changed_path in write(Path.cwd()):
        print(f"wrote {changed_path}")
