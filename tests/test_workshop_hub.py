"""Workshop mode on a real JupyterHub: learners' lab checks reach the instructor's dashboard, and only theirs.

The hub runs workshop/jupyterhub_config.py on 127.0.0.1 (random ports) with the PyPI configurable-http-proxy,
SimpleLocalProcessSpawner (homes in a temporary folder) and a shared-password DummyAuthenticator. Each learner's
single-user server is really spawned and lab 00's real check runs in a kernel there, so the record travels as in a
workshop: the check, the learner's own server token, the progress service, its store, the dashboard's JSON.
The default test does this for 3 learners (about 40 s on 2 idle cores, twice that when they are busy); `pytest -m hub10` runs 10 (see CONTRIBUTING.md).
"""
from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hub_kernel import execute
from hub_support import Hub, start_hub

LAB00 = """
import kmscourse
from kmscourse.checks import lab00
course = kmscourse.start(quiet=True)
identity_arn = course.client("sts").get_caller_identity()["Arn"]
region = {region}
print(lab00.check(course).summary())
"""
WRONG_REGION = "'eu-west-1'"
RECORDS = "/services/kmscourse/api/records"
DASHBOARD = "/services/kmscourse/api/dashboard"


def _record(lab: str = "Lab 00", **extra: object) -> dict[str, object]:
    """A well-formed record body."""
    return {"lab": lab, "passed": True, "time": "2026-05-04T09:30:00+00:00", "passed_items": ["x"], **extra}


def _run_workshop(hub: Hub, learners: int) -> dict[str, float]:
    """Learners spawn and run lab 00 (every third one with a wrong region); checks the dashboard; returns timings."""
    names = [f"learner{i:02d}" for i in range(learners)]
    failing = set(names[1::3])
    timings: dict[str, float] = {}
    for name in names:
        hub.add_learner(name)
    teacher = hub.add_learner("teacher", ("instructors",))
    started = time.monotonic()
    hub.spawn(names)
    timings["spawn"] = time.monotonic() - started
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(len(names), 4)) as pool:
        runs = dict(zip(names, pool.map(
            lambda n: execute(hub, n, LAB00.format(region=WRONG_REGION if n in failing else "course.region")), names), strict=True))
    timings["checks"] = time.monotonic() - started
    for name, run in runs.items():
        assert run.error is None, f"{name}: {run.error}\n{run.stderr}"
        assert "not sent" not in run.stderr, run.stderr  # the post reached the service
        expected = "2 of 3 passed, 1 to fix." if name in failing else "3 of 3 passed, all checks passed."
        assert run.stdout.strip() == f"Lab 00: {expected}"
        local = [json.loads(line) for line in (hub.base / "home" / name / ".kmscourse" / "progress.jsonl").read_text().splitlines()]
        assert [(r["learner"], r["lab"], r["passed"]) for r in local] == [(name, "Lab 00", name not in failing)]

    status, board = hub.request("GET", DASHBOARD, token=teacher)
    assert status == 200, board
    assert [row["name"] for row in board["learners"]] == names  # one row per learner, no one else
    for row in board["learners"]:
        cell = row["labs"]["Lab 00"]
        assert (cell["passed"], cell["ok"], cell["total"]) == ((False, 2, 3) if row["name"] in failing else (True, 3, 3))
    top = board["top_hints"]["Lab 00"]
    assert top["count"] == len(failing) and "eu-west-1" in top["hint"]
    return timings


def _check_refusals(hub: Hub) -> None:
    """A learner may neither write another's record nor read the dashboard; bad input gets 4xx and one sentence."""
    ana, ben = hub.add_learner("ana"), hub.add_learner("ben")
    teacher = hub.request("POST", "/hub/api/users/teacher/tokens", {"scopes": ["access:services!service=kmscourse"]})[1]["token"]
    status, answer = hub.request("POST", RECORDS, _record(learner="ben"), token=ana)
    assert status == 403 and "only your own progress" in answer["message"]
    assert hub.request("POST", RECORDS, _record(learner="ana"), token=ana)[0] == 201
    assert hub.request("POST", RECORDS, _record(), token=ben)[0] == 201
    status, answer = hub.request("GET", DASHBOARD, token=ana)
    assert status == 403 and "not a hub admin or in the instructors group" in answer["message"]
    assert hub.request("GET", "/services/kmscourse/", token=ana)[0] == 403
    for body, code, words in [(b"{not json", 400, "not valid JSON"), (json.dumps(_record("Lab 99")).encode(), 400, "Unknown lab"),
                              (json.dumps([1]).encode(), 400, "one JSON object"), (b"x" * 40_000, 413, "at most"),
                              (json.dumps(_record(passed="yes")).encode(), 400, "'passed'")]:
        status, answer = hub.request("POST", RECORDS, raw=body, token=ana)
        assert (status, isinstance(answer, dict)) == (code, True), (body[:30], status, answer)
        assert words in answer["message"] and answer["message"].endswith(".") and "Traceback" not in answer["message"]
    status, answer = hub.request("POST", RECORDS, _record(), token="no-such-token")
    assert status == 403 and "your own JupyterHub token" in answer["message"]
    board = hub.request("GET", DASHBOARD, token=teacher)[1]
    rows = {row["name"]: row["labs"] for row in board["learners"]}
    assert set(rows["ana"]) == {"Lab 00"} and rows["ana"]["Lab 00"]["ok"] == 1  # ana's own post, never ben's body


def _culler_may_list_servers(hub: Hub) -> None:
    """The config's idle culler runs with a role that lets it list users' servers (else it culls nothing, silently)."""
    assert re.search(r"200 GET /hub/api/users\S* \(idle-culler@127\.0\.0\.1\)", hub.log_tail(10**7)), hub.log_tail()


def _stop_leaves_nothing(hub: Hub, spawned: int) -> None:
    """Stopping the hub ends every process it started: proxy, services, learner servers and kernels."""
    hub.remember()
    assert len(hub.seen) >= 3 + spawned  # proxy, two services, a server per learner
    assert hub.stop() == []


def test_three_learners_checks_reach_the_dashboard(tmp_path: Path) -> None:
    hub = start_hub(tmp_path / "hub")
    try:
        timings = _run_workshop(hub, 3)
        _check_refusals(hub)
        _culler_may_list_servers(hub)
        print(f"3 learners: spawn {timings['spawn']:.1f} s, checks {timings['checks']:.1f} s")
        _stop_leaves_nothing(hub, 3)
    finally:
        hub.stop()


@pytest.mark.hub10
def test_ten_learners_checks_reach_the_dashboard(tmp_path: Path) -> None:
    """The same workshop with 10 learners' servers and kernels at once (`pytest -m hub10`)."""
    hub = start_hub(tmp_path / "hub")
    try:
        timings = _run_workshop(hub, 10)
        print(f"10 learners: spawn {timings['spawn']:.1f} s, checks {timings['checks']:.1f} s")
        _stop_leaves_nothing(hub, 10)
    finally:
        hub.stop()
