"""Browser tests: one JupyterLab, started as `make lab` starts it, and one headless Chromium per test process."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lab_page
import lab_server
import pytest

OUT = lab_server.ROOT / "build" / "browser"
VIEWPORT = {"width": 1600, "height": 1000}
# Without the background-networking flags Chromium keeps calling out to a network the tests do not have.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_HINT = "install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium) or set KMSCOURSE_BROWSER to its path"


def chromium_path() -> str | None:
    """The Chromium to drive: $KMSCOURSE_BROWSER, else `chromium` on PATH; None when there is none."""
    explicit = os.environ.get("KMSCOURSE_BROWSER")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_missing(reason: str) -> None:
    """Skip, or fail where a browser is required (CI sets KMSCOURSE_BROWSER_REQUIRED=1, so it never skips silently)."""
    if os.environ.get("KMSCOURSE_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{reason} (KMSCOURSE_BROWSER_REQUIRED=1)", pytrace=False)
    pytest.skip(reason)


def _alive(pid: int) -> bool:
    """Whether a process with this PID exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pytest_configure(config: pytest.Config) -> None:
    """Make the learner's my-labs/ copies once, before any worker starts, as `make lab` does: lessons link to them."""
    if not hasattr(config, "workerinput"):
        from kmscourse import my_labs

        my_labs.ensure_all(lab_server.ROOT)


@pytest.fixture(scope="session")
def run_dir(request: pytest.FixtureRequest) -> Path:
    """This test process's own folder for Jupyter state and the browser profile (runs side by side never share one)."""
    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    for old in OUT.glob("run-*-*"):  # left by earlier runs whose process is gone; kept until then for their logs
        if old.name.rsplit("-", 1)[-1].isdigit() and not _alive(int(old.name.rsplit("-", 1)[-1])):
            shutil.rmtree(old, ignore_errors=True)
    # Not a dot folder: JupyterLab hides those, and the lab exercise's copy must open.
    path = OUT / f"run-{worker_id}-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _what_is_missing() -> str | None:
    """Why the browser tests cannot run here (no Chromium, no Playwright), or None when they can."""
    if chromium_path() is None:
        return f"browser tests need Chromium: {INSTALL_HINT}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need Playwright: pip install -c constraints.txt -e '.[test]'"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip (or fail) each test that needs the browser from this one place, so the summary folds them into one line."""
    if "chromium" in getattr(item, "fixturenames", ()):
        missing = _what_is_missing()
        if missing:
            browser_missing(missing)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's executable path (tests that need it are skipped before they start when there is none)."""
    path = chromium_path()
    assert path is not None
    return path


@pytest.fixture(scope="session")
def context(chromium: str, run_dir: Path) -> Iterator[Any]:
    """A Playwright browser context on a fresh Chromium profile, at a 1600x1000 viewport."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser_context = playwright.chromium.launch_persistent_context(
            str(run_dir / "profile"), executable_path=chromium, args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT)
        browser_context.set_default_timeout(30_000)
        try:
            yield browser_context
        finally:
            browser_context.close()


@pytest.fixture(scope="session")
def lab(context: Any, run_dir: Path) -> Iterator[lab_server.LabServer]:
    """JupyterLab as `make lab` runs it, on 127.0.0.1 with a random token, in throwaway Jupyter folders."""
    server = lab_server.start_learner_lab(run_dir / "jupyter")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app(context: Any, lab: lab_server.LabServer) -> Iterator[Any]:
    """One browser tab on that JupyterLab for the whole run; tests open notebooks in it and close them again."""
    page = lab_page.start_app(context, lab)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go: build/browser/."""
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT
