"""After `make test`, the learner's `make lab` loads none of the test-only extensions that it installed (nbgrader's)."""
from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import lab_page
import pytest
from lab_server import BIN, LabServer, free_port, jupyter_home, learner_env, start, time_bounds

# nbgrader makes labs/ from solutions/ (`make labs`); its UI (formgrader, assignment lists, Validate) is not the course's.
TEST_ONLY_LAB_EXTENSIONS = {"@jupyter/nbgrader": "jupyter-nbgrader"}  # package name: the name /lab/api/extensions gives
TEST_ONLY_HANDLERS = ("/formgrader", "/formgraders", "/assignments")
NBGRADER_UI = re.compile(r"nbgrader|formgrader|Create Assignment|Validate|Assignment List|Course List", re.IGNORECASE)


@pytest.fixture(scope="module")
def make_lab(run_dir: Path) -> Iterator[LabServer]:
    """`make lab` itself, as a learner runs it (their environment, fresh Jupyter folders), headless on 127.0.0.1."""
    port, token = free_port(), secrets.token_hex(16)
    args = " ".join(["--no-browser --ip 127.0.0.1", f"--port {port} --IdentityProvider.token={token}", *time_bounds(300)])
    base = run_dir / "make-lab"
    # -o: never reinstall .venv from inside a test (make test brought it up to date); what runs is the lab recipe.
    command = ["make", "-s", "-o", ".venv/.kmscourse-installed", "lab", f"LAB_ARGS={args}"]
    server = start(command, learner_env(jupyter_home(base)), f"http://127.0.0.1:{port}", token, base / "lab.log", timeout=120)
    try:
        yield server
    finally:
        server.stop()


def test_the_test_extras_did_install_nbgrader_extensions_into_the_shared_venv() -> None:
    """The premise: `make test` put nbgrader's lab and server extensions in .venv, where `make lab` would find them."""
    assert find_spec("nbgrader") is not None
    for package in TEST_ONLY_LAB_EXTENSIONS:
        assert (BIN.parent / "share" / "jupyter" / "labextensions" / package / "package.json").is_file()
    assert json.loads((BIN.parent / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json").read_text())


def test_make_lab_reports_nbgrader_lab_extension_disabled(make_lab: LabServer) -> None:
    """JupyterLab's own extension list (/lab/api/extensions) has nbgrader's extension, switched off."""
    listed = {e["name"]: e for e in make_lab.api("GET", "/lab/api/extensions")}
    for name in TEST_ONLY_LAB_EXTENSIONS.values():
        assert name in listed, f"{name} is not installed, so this test shows nothing: {sorted(listed)}"
        assert listed[name]["enabled"] is False, f"{name} is enabled in the learner's lab: {listed[name]}"
    assert all(e["enabled"] for n, e in listed.items() if n not in TEST_ONLY_LAB_EXTENSIONS.values())


def test_make_lab_serves_no_nbgrader_handlers(make_lab: LabServer) -> None:
    """nbgrader's server extensions are not loaded: their pages are not found."""
    assert {path: make_lab.request("GET", path)[0] for path in TEST_ONLY_HANDLERS} == dict.fromkeys(TEST_ONLY_HANDLERS, 404)


def test_make_lab_page_shows_no_nbgrader_menu_button_or_panel(context: Any, make_lab: LabServer, screenshots: Path) -> None:
    """In the browser: lesson 00 opens, with no Nbgrader menu, no Validate button, no Create Assignment panel."""
    page = context.new_page()
    try:
        page.goto(f"{make_lab.url}/?token={make_lab.token}")  # the server root redirects to make lab's default URL
        lab_page.wait_for(page, "lesson 00 to open from make lab's default URL", 90,
                          lambda: page.locator(lab_page.CELLS).count() > 0)
        page.wait_for_timeout(1000)  # extensions add their menus and buttons once the app has started
        chrome = {
            "menu bar": page.locator(".lm-MenuBar-itemLabel").all_inner_texts(),
            "notebook toolbar": page.locator(f"{lab_page.NOTEBOOK} .jp-Toolbar").all_inner_texts(),
            "side bars": [t.get_attribute("title") or t.inner_text() for t in page.locator(".jp-SideBar .lm-TabBar-tab").all()],
        }
        page.screenshot(path=screenshots / "learner-lab.png")
        assert "Kernel" in chrome["menu bar"], chrome  # the page did load its menus
        assert {where: [x for x in items if NBGRADER_UI.search(x or "")] for where, items in chrome.items()} == \
            {where: [] for where in chrome}
    finally:
        page.close()
        make_lab.shut_down_kernels()
