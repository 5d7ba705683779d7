"""Links an instructor hands out: an nbgitpuller link for a JupyterHub, and a Binder link, both opening lesson 00.

nbgitpuller clones the repository into each learner's home on first click, and on later clicks merges new commits
without overwriting the learner's changes. https://nbgitpuller.readthedocs.io/en/latest/topic/url-options.html
"""
from __future__ import annotations

import urllib.parse

from .errors import CourseError

LESSON_00 = "notebooks/00-setup-and-orientation.ipynb"
"""What every link opens."""


def _http(url: str, what: str) -> str:
    """`url` without a trailing slash, or one clear sentence when it is not an http(s) URL."""
    parsed = urllib.parse.urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise CourseError(f"{what} {url!r} is not an http(s) URL; give it as https://host[/path].")
    return url.strip().rstrip("/")


def folder(repo: str) -> str:
    """The folder nbgitpuller clones `repo` into: the repository's name, without `.git`."""
    name = urllib.parse.urlparse(repo).path.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def nbgitpuller(hub: str, repo: str, branch: str = "main") -> str:
    """The link that pulls `repo` into the learner's home on `hub` and opens lesson 00 in JupyterLab."""
    hub, repo = _http(hub, "The hub URL"), _http(repo, "The repository URL")
    query = urllib.parse.urlencode({"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder(repo)}/{LESSON_00}"})
    return f"{hub}/hub/user-redirect/git-pull?{query}"


def binder(repo: str, branch: str = "main") -> str:
    """The mybinder.org link for a GitHub repository (built from binder/), opening lesson 00."""
    parsed = urllib.parse.urlparse(_http(repo, "The repository URL"))
    if parsed.netloc != "github.com" or len(parsed.path.strip("/").split("/")) != 2:
        raise CourseError(f"{repo!r} is not a GitHub repository URL (https://github.com/OWNER/NAME), which mybinder.org's gh/ links need.")
    owner, name = parsed.path.strip("/").split("/")
    name = name[:-4] if name.endswith(".git") else name
    return f"https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=" + urllib.parse.quote(f"lab/tree/{LESSON_00}", safe="")
