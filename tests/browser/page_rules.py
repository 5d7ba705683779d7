"""What a lesson's rendered page must satisfy; each rule returns its problems as sentences (none when it holds)."""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

MAX_DIAGRAM_HEIGHT = 2000  # px at a 1600x1000 viewport: about two screens
# Math a lesson means to typeset: $$...$$, \(...\), \[...\] or an environment. Prices like "$1 a month" are not.
INTENDED_MATH = re.compile(r"\$\$|\\\(|\\\[|\\begin\{")
# An error output: JupyterLab renders tracebacks with the stderr mime type, so tell them apart by their text.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)\b.*$", re.MULTILINE)
COURSE_ERROR = re.compile(r"^kmscourse: ", re.MULTILINE)  # errors.CourseError, shown as one line instead of a traceback
MARKS = "✅❌✔✖✓✗"
WORDS = ("PASS", "FAIL")
_FENCE = re.compile(r"^\s*(```|~~~)")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def source(cell: Any) -> str:
    """A notebook cell's source as one string."""
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def table_cells(row: str) -> list[str]:
    """The cells of a markdown table row as GFM splits them: on every `|` not escaped by a backslash, code spans too."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def source_tables(markdown: str) -> list[list[str]]:
    """The pipe tables in a markdown source, each as its rows (header first, delimiter row dropped), outside code fences."""
    tables: list[list[str]] = []
    lines, in_fence, i = markdown.splitlines(), False, 0
    while i < len(lines):
        if _FENCE.match(lines[i]):
            in_fence = not in_fence
        elif not in_fence and "|" in lines[i] and i + 1 < len(lines) and _DELIMITER_ROW.match(lines[i + 1]) and "-" in lines[i + 1]:
            rows, i = [lines[i]], i + 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                rows.append(lines[i])
                i += 1
            tables.append(rows)
            continue
        i += 1
    return tables


def mermaid_blocks(markdown: str) -> int:
    """How many ```mermaid blocks a markdown source holds."""
    return len(re.findall(r"^\s*```\s*mermaid\b", markdown, re.MULTILINE))


def run_problems(cells: list[Any], shown: list[dict[str, Any]]) -> list[str]:
    """Every code cell with code ran (it has an execution count) and no output is an error."""
    problems = []
    for cell, seen in zip(cells, shown, strict=True):
        if cell["cell_type"] != "code":
            continue
        if source(cell).strip() and not re.fullmatch(r"\[\d+\]:", seen["prompt"]):
            problems.append(f"cell {seen['index']} did not run (prompt {seen['prompt']!r}): {source(cell)[:80]!r}")
        for output in seen["outputs"]:
            text = output["text"]
            if output["mime"] == "application/vnd.jupyter.stderr" and (TRACEBACK.search(text) or COURSE_ERROR.search(text)):
                problems.append(f"cell {seen['index']} shows an error: {text.strip()[:400]}")
    return problems


def diagram_problems(cells: list[Any], shown: list[dict[str, Any]]) -> list[str]:
    """Every ```mermaid block is drawn as an SVG, no taller than MAX_DIAGRAM_HEIGHT."""
    problems = []
    for cell, seen in zip(cells, shown, strict=True):
        wanted = mermaid_blocks(source(cell)) if cell["cell_type"] == "markdown" else 0
        if len(seen["diagrams"]) < wanted:
            problems.append(f"cell {seen['index']}: {wanted} mermaid block(s), {len(seen['diagrams'])} drawn")
        for n, diagram in enumerate(seen["diagrams"], start=1):
            where = f"cell {seen['index']} diagram {n}"
            if diagram["warning"] or not diagram["svg"]:
                problems.append(f"{where} is not drawn as an SVG: {diagram['text'][:200]!r}")
            elif diagram["height"] <= 0:
                problems.append(f"{where} has no size on the page")
            elif diagram["height"] > MAX_DIAGRAM_HEIGHT:
                problems.append(f"{where} is {diagram['height']:.0f} px tall at 1600x1000, more than {MAX_DIAGRAM_HEIGHT} "
                                f"({diagram['height'] / 1000:.1f} screens)")
    return problems


def math_problems(cells: list[Any], shown: list[dict[str, Any]]) -> list[str]:
    """No MathJax in a cell whose source means no math: a pair of `$` in prose or output is money, not LaTeX."""
    problems = []
    for cell, seen in zip(cells, shown, strict=True):
        if seen["math"] and not INTENDED_MATH.search(source(cell)):
            problems.append(f"cell {seen['index']} ({cell['cell_type']}) typesets {seen['math']} piece(s) of math it does not "
                            f"mean (a pair of $ signs?): {' / '.join(t[:120] for t in seen['mathText'])!r}")
    return problems


def table_problems(cells: list[Any], shown: list[dict[str, Any]]) -> list[str]:
    """Every rendered table row has its header's cell count, and no markdown row loses cells to an unescaped `|`."""
    problems = []
    for cell, seen in zip(cells, shown, strict=True):
        for table in seen["tables"]:
            for row in table["rows"]:
                if table["header"] and row["cells"] != table["header"]:
                    problems.append(f"cell {seen['index']}: row {row['text'][:100]!r} has {row['cells']} cells under a "
                                    f"{table['header']}-column header")
        if cell["cell_type"] != "markdown":
            continue
        rendered = [t for t in seen["tables"] if not t["output"]]
        for table, drawn in zip(source_tables(source(cell)), rendered, strict=False):
            width = len(table_cells(table[0]))
            for row, shown_row in zip(table[1:], drawn["rows"], strict=False):
                if len(table_cells(row)) != width:
                    problems.append(f"cell {seen['index']}: row {row.strip()[:100]!r} is written with {len(table_cells(row))} "
                                    f"cells under a {width}-column header (an unescaped | ?); the page shows "
                                    f"{shown_row['text'][:100]!r}")
    return problems


def link_targets(shown: list[dict[str, Any]]) -> list[str]:
    """The repository paths of the rendered links to notebooks (JupyterLab rewrites `x.ipynb` to /files/<dir>/x.ipynb)."""
    targets = []
    for seen in shown:
        for href in seen["links"]:
            path = urllib.parse.unquote(urllib.parse.urlparse(href).path)
            for prefix in ("/files/", "/lab/tree/"):
                if path.startswith(prefix) and path.endswith(".ipynb"):
                    targets.append(path[len(prefix):])
    return targets


def link_problems(root: Path, cells: list[Any], shown: list[dict[str, Any]]) -> list[str]:
    """Every relative link to a lesson or lab is on the page and names a file that exists."""
    written = [m for c in cells if c["cell_type"] == "markdown"
               for m in re.findall(r"\]\(([^)\s:]+\.ipynb)(?:#[^)]*)?\)", source(c))]
    targets = link_targets(shown)
    problems = [f"the page links to {t}, which does not exist" for t in targets if not (root / t).is_file()]
    if len(targets) < len(written):
        problems.append(f"the sources link {len(written)} notebooks ({', '.join(written)}), the page only {len(targets)}")
    return problems


def mark_problems(shown: list[dict[str, Any]]) -> list[str]:
    """Each PASS/FAIL mark in an output has a text word beside it, so it reads without an emoji font."""
    problems = []
    for seen in shown:
        for output in seen["outputs"]:
            for line in output["text"].splitlines():
                for match in re.finditer(f"[{MARKS}]", line):
                    near = (line[:match.start()].split() or [""])[-1:] + line[match.end():].split()[:1]
                    if not any(word.strip("*:.,()[]") in WORDS for word in near):
                        problems.append(f"cell {seen['index']}: {line.strip()[:100]!r} marks {match.group()} with no "
                                        f"{' or '.join(WORDS)} beside it")
    return problems
