"""The instructor's dashboard in Chromium: signed in through the hub, it lists each learner's results and refreshes by itself."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_support import PASSWORD, Hub, start_hub

DASHBOARD = "/services/kmscourse/"


@pytest.fixture(scope="module")
def hub(run_dir: Path) -> Iterator[Hub]:
    """The workshop hub (workshop/jupyterhub_config.py) with an instructor and three learners' records posted by the learners."""
    server = start_hub(run_dir / "hub")
    try:
        server.add_learner("teacher", ("instructors",))
        for name, lab, passed, hints in [("ana", "Lab 00", True, []), ("ben", "Lab 00", False, ["use course.region"]),
                                         ("cy", "Lab 03", False, ["decrypt your own file"])]:
            token = server.add_learner(name)
            record = {"lab": lab, "passed": passed, "time": "2026-05-04T09:30:00+00:00",
                      "passed_items": ["a"] if passed else [], "failed_items": [] if passed else ["a"], "hints": hints}
            assert server.request("POST", f"{DASHBOARD}api/records", record, token=token)[0] == 201
        yield server
        assert server.stop() == []
    finally:
        server.stop()


@pytest.fixture
def hub_page(context: Any) -> Iterator[Any]:
    """A tab whose hub sign-in does not outlive the test: the shared browser's cookies are put back as they were."""
    before = context.cookies()
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()
        context.clear_cookies()
        context.add_cookies(before)


def _sign_in(page: Any, hub: Hub, name: str) -> Any:
    """Sign in on the hub's login page as `name`, going on to the dashboard (not to a server of theirs); its response."""
    page.goto(f"{hub.url}/hub/login?next={DASHBOARD}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(url=f"**{DASHBOARD}") as navigation:
        page.click("[type=submit]")  # the hub, then its OAuth for the service, then the dashboard
    return navigation.value


def _rows(page: Any) -> dict[str, dict[str, str]]:
    """The table as the page shows it: learner -> lab -> the cell's text, for the labs with a result."""
    return page.eval_on_selector_all("#progress tbody tr", """rows => Object.fromEntries(rows.map(r => [r.dataset.learner,
        Object.fromEntries([...r.querySelectorAll('td[data-result]')].map(td => [td.dataset.lab, td.innerText]))]))""")


def test_an_instructor_sees_every_learner_and_new_results_arrive(hub: Hub, hub_page: Any, screenshots: Path) -> None:
    _sign_in(hub_page, hub, "teacher")
    try:
        hub_page.wait_for_selector("#progress tbody tr[data-learner='cy']")
    except Exception:
        raise AssertionError(f"{hub_page.url}: {hub_page.inner_text('body')[:500]}\n{hub.log_tail(1500)}") from None
    rows = _rows(hub_page)
    assert list(rows) == ["ana", "ben", "cy"]
    assert rows["ana"]["Lab 00"].startswith("PASS 1/1") and rows["ben"]["Lab 00"].startswith("FAIL 0/1")
    assert list(rows["cy"]) == ["Lab 03"] and rows["cy"]["Lab 03"].startswith("FAIL 0/1")
    hints = hub_page.eval_on_selector_all("#progress tfoot td[data-lab]", "tds => Object.fromEntries(tds.map(t => [t.dataset.lab, t.innerText]))")
    assert hints["Lab 00"] == "use course.region (1x)" and hints["Lab 03"] == "decrypt your own file (1x)"

    token = hub.api("POST", "/users/cy/tokens", {"scopes": ["access:services!service=kmscourse"]})["token"]
    record = {"lab": "Lab 03", "passed": True, "time": "2026-05-04T09:45:00+00:00", "passed_items": ["a", "b"]}
    assert hub.request("POST", f"{DASHBOARD}api/records", record, token=token)[0] == 201
    hub_page.wait_for_function("() => document.querySelector(\"tr[data-learner='cy'] td[data-lab='Lab 03']\").innerText.startsWith('PASS 2/2')",
                               timeout=15_000)  # the page polls every 5 s: no reload
    assert "try 2" in _rows(hub_page)["cy"]["Lab 03"]
    hub_page.screenshot(path=str(screenshots / "workshop-dashboard.png"), full_page=True)


def test_a_learner_signed_in_gets_one_sentence_not_the_dashboard(hub: Hub, hub_page: Any) -> None:
    response = _sign_in(hub_page, hub, "ana")
    assert response.status == 403
    assert hub_page.inner_text("body").strip() == "ana is not a hub admin or in the instructors group; ask the instructor to add you."
    data = hub_page.goto(f"{hub.url}{DASHBOARD}api/dashboard")
    assert data.status == 403 and "cannot see the dashboard" in json.loads(hub_page.inner_text("body"))["message"]
