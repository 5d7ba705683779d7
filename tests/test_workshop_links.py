"""The links an instructor hands out, and the Binder build files they rely on."""
from __future__ import annotations

import os
import urllib.parse

import pytest
import yaml
from support import ROOT

from kmscourse import cli, links
from kmscourse.errors import CourseError


def test_nbgitpuller_link_pulls_the_repo_and_opens_lesson_00_in_its_folder() -> None:
    link = links.nbgitpuller("https://hub.example.org/", "https://github.com/acme/kmscourse.git", "spring")
    base, query = link.split("?", 1)
    assert base == "https://hub.example.org/hub/user-redirect/git-pull"
    assert dict(urllib.parse.parse_qsl(query)) == {
        "repo": "https://github.com/acme/kmscourse.git", "branch": "spring",
        "urlpath": "lab/tree/kmscourse/notebooks/00-setup-and-orientation.ipynb"}
    assert (ROOT / links.LESSON_00).is_file()


def test_binder_link_names_the_github_repository_and_lesson_00() -> None:
    assert links.binder("https://github.com/acme/kmscourse") == (
        "https://mybinder.org/v2/gh/acme/kmscourse/main?urlpath=lab%2Ftree%2Fnotebooks%2F00-setup-and-orientation.ipynb")


@pytest.mark.parametrize(("argv", "says"), [
    (["--hub", "hub.example.org", "--repo", "https://github.com/a/b"], "The hub URL 'hub.example.org' is not an http(s) URL"),
    (["--repo", "https://github.com/a/b"], "give the hub's URL (--hub https://hub.example.org) or --binder"),
    (["--binder", "--repo", "https://gitlab.com/a/b"], "is not a GitHub repository URL"),
])
def test_bad_input_gets_one_sentence(argv: list[str], says: str, capsys) -> None:
    assert cli.main(["workshop", "link", *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_a_bad_url_is_a_course_error_not_a_traceback() -> None:
    with pytest.raises(CourseError):
        links.nbgitpuller("https://hub", "not a url")


def test_binder_builds_the_course_as_make_lab_installs_it() -> None:
    """repo2docker reads binder/ only: Python from environment.yml, then postBuild installs with the constraints."""
    env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    assert env["dependencies"][:2] == ["python=3.11", "pip"]
    post = ROOT / "binder" / "postBuild"
    assert os.access(post, os.X_OK)
    text = post.read_text()
    assert "-c constraints.txt -e ./emulator -e ." in text and "kmscourse lab" in text
