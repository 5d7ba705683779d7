"""The learner's own copies of the labs in my-labs/: made from labs/ once, never overwritten, reset with a backup.

labs/ is generated (`make labs` rewrites it from solutions/), so a learner who typed answers there would lose them
and make the test suite fail. Each learner works in `my-labs/NN-slug.ipynb` instead, which git ignores:
`kmscourse lab` (run by `make lab`) copies every lab that has no copy yet, and `kmscourse lab reset NN` starts one
over after moving the learner's copy to `my-labs/backups/`.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .errors import CourseError

FOLDER = "my-labs"
"""Where the learner's copies live, next to labs/ (ignored by git; nothing generated ever writes there)."""

BACKUPS = "backups"
"""The subfolder of my-labs/ that `kmscourse lab reset` moves a learner's copy to."""

NOTE_ID = "kmscourse-lab-note"
"""The id of the note cell `make labs` puts first in every lab; a learner's copy gets its own note in its place."""

NOTE = (
    "> **This is your own copy of lab {number}** (`my-labs/{name}`): edit it freely, `make labs` never touches it.\n"
    "> Fill in each cell that says `YOUR CODE HERE`, then run the check at the end; the check tells you which step to do next.\n"
    "> The lesson: [notebooks/{name}](../notebooks/{name}). Stuck? The worked answer: [solutions/{name}](../solutions/{name}).\n"
    "> To start this lab over: `.venv/bin/kmscourse lab reset {number}` in a terminal (your copy is kept in `my-labs/backups/`).\n"
)


@dataclass(frozen=True)
class Copy:
    """What happened to one lab's copy: its path, and whether it was made now (False: it was there already)."""

    path: Path
    created: bool


def folder(root: Path) -> Path:
    """The learner's folder of lab copies."""
    return root / FOLDER


def find_lab(root: Path, number: str) -> Path:
    """The generated lab for `number` ("3", "03", "03-encrypt-decrypt-cli" or its file name), or a CourseError naming the choices."""
    labs = sorted((root / "labs").glob("*.ipynb"))
    wanted = number.strip().removesuffix(".ipynb")
    if wanted.isdigit():
        wanted = f"{int(wanted):02d}"
    found = [lab for lab in labs if lab.stem == wanted or lab.stem.split("-", 1)[0] == wanted]
    if len(found) != 1:
        choices = ", ".join(lab.stem.split("-", 1)[0] for lab in labs)
        raise CourseError(f"There is no lab '{number}' in labs/; give its number, one of {choices}.")
    return found[0]


def learner_copy(lab: Path) -> nbformat.NotebookNode:
    """The lab as the learner's copy: the same cells, with the note saying whose copy it is and how to reset it."""
    nb = nbformat.read(lab, as_version=4)
    number = lab.stem.split("-", 1)[0]
    note = NOTE.format(number=number, name=lab.name)
    for cell in nb.cells:
        if cell.get("id") == NOTE_ID:
            cell.source = note
            break
    else:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(note, id=NOTE_ID))
    nb.metadata.setdefault("kmscourse", {})["copied_from"] = f"labs/{lab.name}"
    return nb


def ensure(root: Path, lab: Path) -> Copy:
    """The learner's copy of `lab`, made from labs/ only when there is none: a learner's work is never overwritten."""
    target = folder(root) / lab.name
    if target.exists():
        return Copy(target, False)
    target.parent.mkdir(exist_ok=True)
    nbformat.write(learner_copy(lab), target)
    return Copy(target, True)


def ensure_all(root: Path) -> list[Copy]:
    """A copy of every lab that has none yet; existing copies are left exactly as they are."""
    return [ensure(root, lab) for lab in sorted((root / "labs").glob("*.ipynb"))]


def reset(root: Path, lab: Path, now: dt.datetime | None = None) -> tuple[Copy, Path | None]:
    """Start the learner's copy of `lab` over; the old copy moves to my-labs/backups/ (returned, or None if there was none)."""
    target = folder(root) / lab.name
    backup = None
    if target.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        backup = folder(root) / BACKUPS / f"{lab.stem}.{stamp}.ipynb"
        backup.parent.mkdir(parents=True, exist_ok=True)
        if backup.exists():
            raise CourseError(f"{backup.relative_to(root)} already exists; wait a second and reset again.")
        shutil.move(target, backup)
    return ensure(root, lab), backup
