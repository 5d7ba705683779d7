"""Every lab's check cell, run before its exercises, after failed ones or out of order, shows hints, never a traceback.

Each test runs cells of a lab in a fresh kernel, as a learner would in JupyterLab, with checks that print their
result (KMSCOURSE_CHECKS_STRICT=0, the learner's setting) rather than raise.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from support import ROOT, clean_env
from test_notebook_rules import math_dollars

from kmscourse.checks.result import NO_MATH

LABS = sorted((ROOT / "labs").glob("*.ipynb"))
STEP = re.compile(r"Exercise \d|the setup cell")
"""How a hint names the step to do: an exercise of the lab by its number, or the setup cell."""


def _code(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def run_cells(sources: list[str], folder: Path, strict: str = "0") -> list[nbformat.NotebookNode]:
    """Run the cells in one fresh kernel in `folder`, going on after errors as JupyterLab does; return them with outputs."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}})
    client.execute(env=clean_env(KMSCOURSE_CHECKS_STRICT=strict), stderr=subprocess.DEVNULL)
    return list(nb.cells)


def text(cell: nbformat.NotebookNode) -> str:
    """Everything a cell showed, as text (streams, plain-text results and error lines)."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
        if output.get("output_type") == "error":
            parts.append("Traceback: " + output.get("ename", "") + ": " + output.get("evalue", ""))
    return "\n".join(parts)


def typeset_html(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's HTML outputs JupyterLab would typeset math in: a pair of `$` outside MathJax's ignore classes."""
    pages = [o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])]
    return [page for page in pages if not page.startswith(f"<div class='{NO_MATH}'>") and math_dollars(page) >= 2]


def assert_hints_not_traceback(cell: nbformat.NotebookNode) -> str:
    """The check's text, after asserting it shows no error, no traceback and no HTML that JupyterLab typesets as math."""
    shown = text(cell)
    assert not [o for o in cell.get("outputs", []) if o.get("output_type") == "error"], shown[-3000:]
    assert "Traceback" not in shown, shown[-3000:]
    assert not typeset_html(cell), typeset_html(cell)
    return shown


@pytest.mark.notebook
@pytest.mark.parametrize("path", LABS, ids=lambda p: p.stem)
def test_check_right_after_setup_then_every_exercise_failed(path: Path, tmp_path: Path) -> None:
    """A learner runs the setup cell and goes straight to the check cell, then runs every cell in turn, going on past
    each error. The early check raises no NameError and says which step to do; the first error is then the
    NotImplementedError of the first exercise cell (nothing fails before it); and the check, after every exercise
    failed, still explains itself with hints."""
    code = _code(path)
    first = next(i for i, source in enumerate(code) if "raise NotImplementedError" in source)
    setup, early_check, *cells = run_cells([code[0], code[-1], *code[1:]], tmp_path)
    assert not [o for o in setup.get("outputs", []) if o.get("output_type") == "error"], text(setup)
    shown = assert_hints_not_traceback(early_check)
    assert "FAIL" in shown and STEP.search(shown), shown[-3000:]
    errors = [i for i, c in enumerate(cells, start=1) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert errors and errors[0] == first, f"the first error should be in code cell {first} (the first exercise), not {errors}"
    assert "NotImplementedError" in text(cells[first - 1]), text(cells[first - 1])[-3000:]
    shown = assert_hints_not_traceback(cells[-1])
    assert "FAIL" in shown and STEP.search(shown), shown[-3000:]


def _setup(stem: str) -> str:
    return _code(ROOT / "labs" / f"{stem}.ipynb")[0]


@pytest.mark.notebook
def test_lab03_hint_reads_the_key_id_the_learner_typed(tmp_path: Path) -> None:
    """`--key-id kmscourse-learner-key` (no alias/): the check finds the command in the notebook and names the prefix."""
    stem = "03-encrypt-decrypt-cli"
    bad = ("!aws kms encrypt --key-id {key.alias.removeprefix('alias/')} --plaintext fileb://work/03/lab-secret.txt "
           "--output text --query CiphertextBlob | base64 --decode > work/03/lab-secret.enc")
    decrypt = "!touch work/03/lab-secret.out"
    cells = run_cells([_setup(stem), bad, decrypt, _code(ROOT / "labs" / f"{stem}.ipynb")[-1]], tmp_path)
    shown = assert_hints_not_traceback(cells[-1])
    assert ("your --key-id is 'kmscourse-learner-key', which KMS reads as a key id and finds no key by it: an alias is "
            "named with its prefix, --key-id alias/kmscourse-learner-key.") in shown, shown


@pytest.mark.notebook
def test_lab07_hint_names_the_alias_the_exercise_passed(tmp_path: Path) -> None:
    """The exercise cell passes the alias, KMS says it 'is not found', and the check says why."""
    stem = "07-key-rotation"
    exercise = "period_days = 180\nkms.enable_key_rotation(KeyId=lab_key.alias, RotationPeriodInDays=period_days)"
    cells = run_cells([_setup(stem), exercise, _code(ROOT / "labs" / f"{stem}.ipynb")[-1]], tmp_path)
    shown = assert_hints_not_traceback(cells[-1])
    assert "your EnableKeyRotation call was refused with NotFoundException" in shown, shown
    assert "take a key id or key ARN, not an alias" in shown


@pytest.mark.notebook
def test_lab08_three_day_window_gets_its_hint(tmp_path: Path) -> None:
    """window_days = 3 makes the exercise cell raise; the check still reads window_days and explains 7 to 30 days."""
    stem = "08-disable-delete-keys"
    exercise = ("window_days = 3\nscheduled = kms.schedule_key_deletion(KeyId=lab_key.key_id, PendingWindowInDays=window_days)\n"
                "states.append(kms.describe_key(KeyId=lab_key.key_id)['KeyMetadata']['KeyState'])")
    cells = run_cells([_setup(stem), exercise, _code(ROOT / "labs" / f"{stem}.ipynb")[-1]], tmp_path)
    assert any(o.get("output_type") == "error" for o in cells[1].get("outputs", [])), "KMS should refuse a 3-day window"
    shown = assert_hints_not_traceback(cells[-1])
    assert "your window_days is 3; ScheduleKeyDeletion accepts 7 to 30 days, so KMS refused it." in shown, shown
