"""Every lesson, run in JupyterLab through its menus (Restart Kernel and Run All), checked on the rendered page."""
from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lab_page
import nbformat
import page_rules
import pytest
from lab_server import ROOT, LabServer

LESSONS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


@dataclass
class RanLesson:
    """A lesson after Restart Kernel and Run All: its cells on disk, what the page showed, and how the run went."""

    path: str
    cells: list[Any]
    shown: list[dict[str, Any]]
    run_error: str | None


class LessonChecks:
    """What every lesson must show; one subclass per lesson (below), so `--dist loadscope` runs a lesson on one worker."""

    path = ""

    @pytest.fixture(scope="class")
    @classmethod
    def lesson(cls, app: Any, lab: LabServer, screenshots: Path) -> Iterator[RanLesson]:
        """Open the lesson, screenshot its top, Restart Kernel and Run All, screenshot its first diagram, read the page."""
        path, page = cls.path, app
        stem = Path(path).stem
        cells = nbformat.read(ROOT / path, as_version=4).cells
        try:
            lab_page.open_notebook(page, path, len(cells))
            page.screenshot(path=screenshots / f"{stem}-top.png")
            run_error = None
            try:
                lab_page.restart_and_run_all(page)
            except TimeoutError as exc:
                run_error = str(exc)  # the page is still read: what did render is checked all the same
            lab_page.open_all_details(page)
            diagrams = page.locator(f"{lab_page.NOTEBOOK} .jp-RenderedMermaid")
            if diagrams.count():
                diagrams.first.screenshot(path=screenshots / f"{stem}-diagram.png")
            shown = lab_page.snapshot(page)
            (screenshots / f"{stem}.json").write_text(json.dumps(shown, indent=1, ensure_ascii=False))  # what was read
        finally:
            lab_page.close_notebooks(page, lab)
        assert len(shown) == len(cells), f"{path}: the page shows {len(shown)} cells, the file has {len(cells)}"
        yield RanLesson(path, cells, shown, run_error)

    def test_run_all_runs_every_code_cell_without_an_error(self, lesson: RanLesson) -> None:
        """Restart Kernel and Run All finishes, every code cell gets an execution count, and no output is an error."""
        assert lesson.run_error is None
        _none(page_rules.run_problems(lesson.cells, lesson.shown))

    def test_every_mermaid_block_is_drawn_as_a_compact_svg(self, lesson: RanLesson) -> None:
        """JupyterLab draws each ```mermaid block as an SVG no taller than about two screens at 1600x1000."""
        _none(page_rules.diagram_problems(lesson.cells, lesson.shown))

    def test_no_math_is_typeset_where_the_source_means_none(self, lesson: RanLesson) -> None:
        """MathJax typesets `$...$`; prose about prices must not come out as LaTeX."""
        _none(page_rules.math_problems(lesson.cells, lesson.shown))

    def test_every_table_row_has_its_header_columns(self, lesson: RanLesson) -> None:
        """Each rendered table row has as many cells as its header, and none lost text to an unescaped `|`."""
        _none(page_rules.table_problems(lesson.cells, lesson.shown))

    def test_links_to_lessons_and_labs_name_files_that_exist(self, lesson: RanLesson, lab: LabServer) -> None:
        """Every relative link to a lesson or lab renders, its target is in the repository, and JupyterLab's server
        opens it as a notebook (the contents request JupyterLab makes when the link is clicked)."""
        _none(page_rules.link_problems(ROOT, lesson.cells, lesson.shown))
        unopened = []
        for target in sorted(set(page_rules.link_targets(lesson.shown))):
            status, body = lab.request("GET", f"/api/contents/{urllib.parse.quote(target)}?type=notebook&content=1")
            if status != 200 or json.loads(body).get("type") != "notebook":
                unopened.append(f"{target}: HTTP {status}")
        _none(unopened)

    def test_check_marks_read_without_an_emoji_font(self, lesson: RanLesson) -> None:
        """Each PASS/FAIL mark in an output has the word beside it (without an emoji font the marks are identical boxes)."""
        _none(page_rules.mark_problems(lesson.shown))


def _none(problems: list[str]) -> None:
    """Fail with every problem on its own line."""
    assert not problems, "\n".join(["", *problems])


for _path in LESSONS:  # Test_00_setup_and_orientation, ...: one class per lesson
    _name = "Test_" + Path(_path).stem.replace("-", "_")
    globals()[_name] = type(_name, (LessonChecks,), {"path": _path, "__doc__": f"{_path}, run in JupyterLab."})


@pytest.mark.parametrize(("start", "target"), [
    ("notebooks/03-encrypt-decrypt-cli.ipynb", "notebooks/02-aliases.ipynb"),
    ("notebooks/10-wrap-up.ipynb", "notebooks/00-setup-and-orientation.ipynb"),
])
def test_clicking_a_lesson_link_opens_that_lesson_in_jupyterlab(context: Any, app: Any, lab: LabServer, start: str,
                                                                target: str) -> None:
    """A link from one lesson to another opens the other as a notebook in JupyterLab, not as a file download."""
    page = app
    try:
        lab_page.open_notebook(page, start, len(nbformat.read(ROOT / start, as_version=4).cells))
        link = page.locator(f"{lab_page.NOTEBOOK} .jp-RenderedMarkdown a[href*='/files/{target}']").first
        tabs_before = len(context.pages)
        link.click()
        name = Path(target).name
        wanted = len(nbformat.read(ROOT / target, as_version=4).cells)
        lab_page.wait_for(page, f"{name} to open as the current notebook", 30,
                          lambda: lab_page.current_tab(page) == name and page.locator(lab_page.CELLS).count() == wanted)
        assert len(context.pages) == tabs_before, "the link opened a browser tab instead of the notebook in JupyterLab"
        assert re.search(r"\d\d · ", page.locator(lab_page.CELLS).first.inner_text())  # the lesson's title, rendered
    finally:
        lab_page.close_notebooks(page, lab)
