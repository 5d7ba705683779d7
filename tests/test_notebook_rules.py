"""Rules every notebook keeps, so JupyterLab renders it as written: no accidental math, no broken tables.

Checked over every notebook (lessons, solutions, labs): markdown cells, and the markdown and HTML outputs that
JupyterLab renders the same way. Lessons also seed their own emulator ids and link to their lab.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from support import ROOT

NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "labs") for p in (ROOT / folder).glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RENDERED = ("text/markdown", "text/html")
"""Output types JupyterLab renders as markdown or HTML, and so typesets as math."""


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def rendered_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every markdown cell and every rendered markdown or HTML output of the notebook."""
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            yield f"cell {index}", cell.source
        for output in cell.get("outputs", []):
            for mime in RENDERED:
                if mime in output.get("data", {}):
                    yield f"cell {index} output ({mime})", "".join(output["data"][mime])


def without_code(text: str) -> str:
    """The text with fenced code blocks and inline code spans removed: JupyterLab typesets neither as math."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text, flags=re.S)


def math_dollars(text: str) -> int:
    """How many dollar signs JupyterLab could read as math delimiters (unescaped, outside code)."""
    return len(re.findall(r"(?<!\\)\$", without_code(text)))


def table_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each markdown table as (line number of its header, the cell counts of its header and every row)."""
    lines = without_fences(text).splitlines()
    i = 0
    while i < len(lines) - 1:
        if lines[i].lstrip().startswith("|") and re.fullmatch(r"\s*\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?\s*", lines[i + 1]):
            counts, j = [cells(lines[i])], i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                counts.append(cells(lines[j]))
                j += 1
            yield i + 1, counts
            i = j
        else:
            i += 1


def without_fences(text: str) -> str:
    """The text without fenced code blocks (a table inside one is code, not a table)."""
    return re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)


def cells(row: str) -> list[str]:
    """A table row's cells, split on unescaped pipes; a pipe inside a code span still splits, as in GitHub markdown."""
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return re.split(r"(?<!\\)\|", body)


def test_the_rules_see_what_jupyterlab_sees() -> None:
    """The helpers count what they should: code is not math, an escaped pipe stays in its cell."""
    assert math_dollars("costs $1 a month, or $3 with rotation") == 2
    assert math_dollars(r"costs \$1 a month, or \$3 with rotation") == 0
    assert math_dollars("run `echo $?` and `$HOME`\n```sh\necho $PATH $HOME\n```") == 0
    table = "| a | b |\n|---|---|\n| `x \\| y` | z |\n| one | two | three |"
    assert [len(r) for r in next(table_rows(table))[1]] == [2, 2, 3]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_no_accidental_math(path: Path) -> None:
    """No markdown cell or rendered output holds two unescaped dollar signs: JupyterLab would typeset the text
    between them as LaTeX (write `\\$` or USD)."""
    bad = [f"{where}: {math_dollars(text)} dollar signs" for where, text in rendered_texts(path) if math_dollars(text) >= 2]
    assert not bad, f"{_id(path)}: " + "; ".join(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_tables_have_as_many_cells_as_their_header(path: Path) -> None:
    """Every row of every markdown table has as many cells as the header (a stray `|` adds a column; write `\\|`)."""
    bad = []
    for where, text in rendered_texts(path):
        for line, counts in table_rows(text):
            widths = [len(row) for row in counts]
            if any(w != widths[0] for w in widths):
                bad.append(f"{where}, table at line {line}: header has {widths[0]} cells, rows have {sorted(set(widths[1:]))}")
    assert not bad, f"{_id(path)}: " + "; ".join(bad)


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_seeds_its_own_emulator_ids(path: Path) -> None:
    """The setup cell calls `kmscourse.start(lesson="NN")` with the lesson's own number, so the keys it shows have
    ids no other lesson shows (a key lesson 08 deletes never reappears under the same id in lesson 09)."""
    number = path.name[:2]
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert re.search(rf"""kmscourse\.start\(lesson=["']{number}["']\)""", code), \
        f"{_id(path)} should start the course with kmscourse.start(lesson=\"{number}\")"


@pytest.mark.parametrize("path", LESSONS, ids=_id)
def test_lesson_links_to_its_lab(path: Path) -> None:
    """Each lesson links to the learner's own copy of its lab, in my-labs/ (made by `make lab`)."""
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert f"](../my-labs/{path.name})" in text, f"{_id(path)} has no link to ../my-labs/{path.name}"
