"""Drive a notebook in JupyterLab 4 as a learner does (menus, dialogs, the editor), and read what the page shows."""
from __future__ import annotations

import re
import time
from typing import Any

from lab_server import LabServer

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{NOTEBOOK} .jp-Notebook .jp-Cell"

# The run's progress as the page shows it: the kernel indicator and each code cell's prompt ("[3]:", "[*]:", "[ ]:").
_PROGRESS_JS = """(selector) => {
  const panel = document.querySelector(selector);
  if (!panel) return {status: 'none', prompts: [], rendered: 0};
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status ?? 'unknown';
  const rendered = panel.querySelectorAll('.jp-OutputArea-output, mjx-container, .jp-RenderedMermaid img, .jp-RenderedMermaid svg').length;
  // The indicator says "idle" before any kernel exists; the status bar names the kernel once it is connected.
  const kernel = [...document.querySelectorAll('.jp-StatusBar-Item')].map(e => e.innerText.trim()).find(t => t.includes(' | ')) ?? '';
  return {status: kernel.endsWith('| Idle') ? status : `${status} (${kernel || 'no kernel'})`, prompts, rendered};
}"""

# Everything the assertions need, per cell in notebook order, read from the rendered DOM in one pass.
_SNAPSHOT_JS = """(selector) => {
  const panel = document.querySelector(selector);
  const box = el => { const r = el.getBoundingClientRect(); return {width: r.width, height: r.height}; };
  return [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell, index) => ({
    index,
    kind: cell.classList.contains('jp-CodeCell') ? 'code' : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
    prompt: cell.querySelector('.jp-InputArea-prompt')?.textContent.trim() ?? '',
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
      mime: o.dataset.mimeType ?? '', text: o.innerText,
      result: !!o.closest('.jp-OutputArea-executeResult')})),
    math: cell.querySelectorAll('mjx-container').length,
    mathText: [...cell.querySelectorAll('mjx-container')].map(m => m.closest('p, td, li')?.innerText ?? '').slice(0, 3),
    diagrams: [...cell.querySelectorAll('.jp-RenderedMermaid')].map(m => {
      const image = m.querySelector('svg, img');
      const src = image?.getAttribute('src') ?? '';
      return {warning: m.classList.contains('jp-mod-warning'), text: m.innerText.slice(0, 300),
              svg: !!image && (image.tagName.toLowerCase() === 'svg' || src.startsWith('data:image/svg+xml')),
              ...(image ? box(image) : {width: 0, height: 0})};
    }),
    tables: [...cell.querySelectorAll('.jp-RenderedHTMLCommon table')].map(t => ({
      output: !!t.closest('.jp-OutputArea'),
      header: t.tHead?.rows[0]?.cells.length ?? 0,
      rows: [...t.tBodies].flatMap(b => [...b.rows]).map(r => ({cells: r.cells.length, text: r.innerText.replace(/\\s+/g, ' ')})),
    })),
    links: [...cell.querySelectorAll('.jp-RenderedHTMLCommon a[href]')].map(a => a.getAttribute('href')),
  }));
}"""


CURRENT_TAB = ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel"


def start_app(context: Any, lab: LabServer) -> Any:
    """A browser tab on JupyterLab with a fresh workspace (nothing open), once its menus are there."""
    page = context.new_page()
    page.goto(f"{lab.url}/lab?reset&token={lab.token}")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).wait_for(timeout=90_000)
    return page


def open_notebook(page: Any, path: str, cells: int) -> None:
    """File > Open from Path…, then wait until its `cells` cells are on the page and its kernel is connected and idle."""
    menu(page, "File", "Open from Path…")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill(path)
    dialog.locator("button.jp-mod-accept").click()  # "Open"
    name = path.rsplit("/", 1)[-1]
    wait_for(page, f"{path}: {cells} cells and an idle kernel", 90,
             lambda: current_tab(page) == name and page.locator(CELLS).count() == cells
             and _progress(page)["status"] == "idle")


def current_tab(page: Any) -> str:
    """The label of the main area's current tab ("" when there is none), without waiting for one."""
    return "".join(page.locator(CURRENT_TAB).all_inner_texts())


def close_notebooks(page: Any, lab: LabServer) -> None:
    """File > Close and Shut Down Notebook… (which never saves) for each open notebook; reload JupyterLab if that fails."""
    try:
        for _ in range(5):
            page.keyboard.press("Escape")  # a dialog a failed test left open
            if not page.locator(NOTEBOOK).count():
                return
            panels = page.locator(".jp-NotebookPanel").count()
            menu(page, "File", "Close and Shut Down Notebook…")
            page.locator(".jp-Dialog", has_text="Shut down the notebook?").locator("button.jp-mod-accept").click()  # "Ok"
            wait_for(page, "the notebook to close", 30, lambda: page.locator(".jp-NotebookPanel").count() < panels)
        raise RuntimeError("notebooks are still open after five closes")
    except Exception:  # leave the next test a clean JupyterLab whatever happened here
        page.goto(f"{lab.url}/lab?reset&token={lab.token}")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).wait_for(timeout=90_000)
    finally:
        lab.shut_down_kernels()


def wait_for(page: Any, what: str, timeout: float, condition: Any, poll_ms: int = 250) -> None:
    """Poll `condition` until it is true; fail after `timeout` seconds, saying what was awaited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}; the page shows {_progress(page)}")
        page.wait_for_timeout(poll_ms)


def _progress(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(_PROGRESS_JS, NOTEBOOK))


def menu(page: Any, top: str, item: str) -> None:
    """Click a menu bar entry, then one of its items (by their exact labels)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def restart_and_run_all(page: Any, timeout: float = 150) -> None:
    """Kernel > Restart Kernel and Run All Cells…, confirm the dialog, then wait until the run is over and drawn."""
    menu(page, "Kernel", "Restart Kernel and Run All Cells…")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("button.jp-mod-accept").click()  # "Restart"
    dialog.wait_for(state="detached")
    # The committed outputs carry execution counts, so first see the run start: every prompt goes to [*].
    wait_for(page, "the run to start", 60, lambda: any("*" in p for p in _progress(page)["prompts"]))
    wait_for_run(page, timeout)


def wait_for_run(page: Any, timeout: float = 150) -> None:
    """Wait until the kernel is idle, no cell is queued, and the rendered output (math, diagrams) has settled."""
    wait_for(page, "the kernel to go idle with no queued cell", timeout,
             lambda: (p := _progress(page))["status"] == "idle" and not any("*" in x for x in p["prompts"]))
    # Markdown outputs typeset their math and draw their diagrams after the kernel is done: wait for 1.5 quiet seconds.
    last, quiet_since = None, time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() - quiet_since < 1.5 and time.monotonic() < deadline:
        now = _progress(page)
        if now != last:
            last, quiet_since = now, time.monotonic()
        page.wait_for_timeout(250)


def snapshot(page: Any) -> list[dict[str, Any]]:
    """What each cell of the open notebook shows: prompt, outputs, math, diagrams, tables and links."""
    return list(page.evaluate(_SNAPSHOT_JS, NOTEBOOK))


def open_all_details(page: Any) -> None:
    """Unfold every <details> (answers, folded lists), as a reader clicking through would, so everything has a size."""
    page.evaluate("(s) => document.querySelectorAll(`${s} details`).forEach(d => d.open = true)", NOTEBOOK)


def cell(page: Any, index: int) -> Any:
    """The locator of cell `index` (0-based, notebook order)."""
    return page.locator(CELLS).nth(index)


def type_into_cell(page: Any, index: int, text: str) -> str:
    """Click into a code cell's editor, select all, type `text` key by key; return what the editor then holds."""
    editor = cell(page, index).locator(".cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    for line_number, line in enumerate(text.split("\n")):
        if line_number:
            page.keyboard.press("Enter")
            page.keyboard.press("Shift+Home")  # drop the indentation the editor carried over; each line brings its own
            page.keyboard.press("Delete")
        page.keyboard.type(line)
    return str(editor.evaluate("e => [...e.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')"))


def run_cell(page: Any, index: int, timeout: float = 60) -> None:
    """Select a code cell and run it with Shift+Enter, as a learner does; wait until it is done."""
    before = cell(page, index).locator(".jp-InputArea-prompt").inner_text()
    cell(page, index).locator(".jp-InputArea-prompt").click()  # selects the cell, in command mode
    page.keyboard.press("Shift+Enter")
    wait_for(page, f"cell {index} to run", timeout,
             lambda: (p := cell(page, index).locator(".jp-InputArea-prompt").inner_text()) != before and "*" not in p)
    wait_for_run(page, timeout)


def output_text(page: Any, index: int) -> str:
    """The text of cell `index`'s outputs as the page shows it."""
    return "\n".join(cell(page, index).locator(".jp-OutputArea-output").all_inner_texts())
