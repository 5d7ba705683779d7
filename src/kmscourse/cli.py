"""The `kmscourse` command: run the emulator in a terminal, run the course, regenerate labs, show options."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CourseError

if TYPE_CHECKING:
    from .course import Course


def _root() -> Path:
    """The course folder (the current directory), or a clear error when this is not one."""
    root = Path.cwd()
    if not (root / "notebooks").is_dir():
        raise CourseError(f"{root} is not the course folder (it has no notebooks/); cd into your kmscourse clone first.")
    return root


def cmd_emulator(args: argparse.Namespace) -> int:
    """Serve the emulator in the foreground and print the lines that point a shell at it."""
    from . import settings
    from .awsenv import shell_exports
    from .course import validate_learner
    from .launch import launch

    course = launch(validate_learner(settings.LEARNER.get()), settings.REGION.get(), args.port)
    key, secret = course.session.get_credentials().access_key, course.session.get_credentials().secret_key
    print(f"kmscourse emulator serving on {course.endpoint_url} as {course.identity_arn}")
    print("Point a shell (or any AWS SDK) at it with:\n")
    print("\n".join(shell_exports(course.endpoint_url or "", key, secret, course.region)))
    print("\nPress Ctrl+C to stop. Its state lives in memory and is gone when it stops.", flush=True)
    assert course.emulator is not None
    course.emulator.serve_forever()
    return 0


def cmd_course(args: argparse.Namespace) -> int:
    """Execute every lesson notebook headless on the emulator and print the summary table."""
    from .runner import run_all, table

    root = _root()
    paths = [Path(p).resolve() for p in args.notebooks] or sorted((root / "notebooks").glob("*.ipynb"))
    outcomes = run_all(paths, root / args.build, root)
    print(table(outcomes, root))
    return 1 if any(o.error for o in outcomes) else 0


def cmd_labs(args: argparse.Namespace) -> int:
    """Regenerate labs/ from solutions/, or with --check report drift."""
    from . import labs

    root = _root()
    if args.check:
        problems = labs.stale(root)
        print("\n".join(problems) if problems else "labs/ is in sync with solutions/.")
        return 1 if problems else 0
    for lab in labs.write_all(root):
        print(f"wrote {lab.relative_to(root)}")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """Make the learner's copies of the labs in my-labs/ (never overwriting one), or reset one with a backup."""
    from . import my_labs

    root = _root()
    words = list(args.lab)
    if words[:1] == ["reset"]:
        if len(words) != 2:
            raise CourseError("Say which lab to start over, for example: kmscourse lab reset 03")
        copy, backup = my_labs.reset(root, my_labs.find_lab(root, words[1]))
        if backup is not None:
            print(f"kept your previous copy as {backup.relative_to(root)}")
        print(f"{copy.path.relative_to(root)} is a fresh copy of the lab; open it in JupyterLab (reload it if it is open).")
        return 0
    if len(words) > 1:
        raise CourseError(f"kmscourse lab takes one lab number (or `reset` and a number), not {' '.join(words)!r}.")
    copies = [my_labs.ensure(root, my_labs.find_lab(root, words[0]))] if words else my_labs.ensure_all(root)
    for copy in copies:
        state = "made" if copy.created else "kept (your work is untouched)"
        if words or copy.created:
            print(f"{copy.path.relative_to(root)}: {state}")
    if not words:
        print(f"Your labs are in {my_labs.FOLDER}/ ({len(copies)} of them); `kmscourse lab reset NN` starts one over.")
    return 0


def cmd_jupyter(args: argparse.Namespace) -> int:
    """Copy the labs to my-labs/ (never overwriting one), then become JupyterLab on lesson 00."""
    from . import learner_lab, my_labs

    root = _root()
    copies = my_labs.ensure_all(root)
    print(f"Your labs are in {my_labs.FOLDER}/ ({len(copies)} of them); `kmscourse lab reset NN` starts one over.")
    sys.stdout.flush()
    learner_lab.replace_process(root, args.jupyter_args)
    return 0


def cmd_options(args: argparse.Namespace) -> int:
    """Print every environment variable the course reads."""
    from . import settings

    print(settings.markdown_table(), end="")
    return 0


def cmd_preflight(args: argparse.Namespace) -> int:
    """Start the course and print the preflight table."""
    from . import start
    from .preflight import report

    result = report(start(quiet=True))
    print(result)
    return 0 if result.passed else 1


def cmd_cleanup(args: argparse.Namespace) -> int:
    """Remove this learner's course resources (or show the plan); exit 1 when something survived."""
    from .cleanup import teardown
    from .remote import NO_EMULATOR, course_for_command

    course = course_for_command()
    if course is None:
        print(f"kmscourse cleanup: nothing to clean from here. {NO_EMULATOR}")
        return 0
    print(f"kmscourse cleanup | {course.banner}")
    if course.backend == "aws" and not args.dry_run and not args.yes:
        if not sys.stdin.isatty():
            raise CourseError("cleanup on a real account needs --yes when it cannot ask you; run it with --dry-run first to see the plan.")
        answer = input(f"Type the account id {course.account_id} to remove learner '{course.learner}'s course resources from it: ")
        if answer.strip() != course.account_id:
            print("Not confirmed; nothing was changed.")
            return 1
    report = teardown(course, dry_run=args.dry_run, echo=print)
    if not report.done:
        print("  - nothing to do")
    print(report.footer())
    return 0 if report.ok else 1


def cmd_costs(args: argparse.Namespace) -> int:
    """Print the cost card, and the estimate for this learner's resources when a backend is reachable."""
    from . import costs
    from .remote import NO_EMULATOR, course_for_command

    course = course_for_command()
    if course is None:
        print(f"**Cost card** (figures checked {costs.CHECKED})\n\n{costs.card()}\n\nNo resources to price from here. {NO_EMULATOR}")
        return 0
    print(costs.report(course))
    return 0


def cmd_cohort(args: argparse.Namespace) -> int:
    """Provision, cleanup or cost for every learner in a cohort file; cleanup exits 1 when anything survived."""
    from . import cohort
    from .remote import NO_EMULATOR, course_for_command

    learners = cohort.read(Path(args.file))  # every name checked before anything is touched
    if args.action == "provision":
        from .cohort_identities import check_names

        check_names(learners)
    course = course_for_command()
    if course is None:
        print(f"kmscourse cohort: no backend to act on. {NO_EMULATOR}")
        return 0
    print(f"kmscourse cohort {args.action} | {len(learners)} learners | {course.banner}")
    if args.action == "provision":
        return _provision(course, learners, args)
    if args.action == "cost":
        usd = cohort.monthly_usd(course, learners)
        for learner, figure in usd.items():
            print(f"  {learner:<32} USD {figure:7.2f} per month")
        print(f"cohort total: about USD {sum(usd.values()):.2f} per month in key charges (the cost card's figures).")
        return 0
    if course.backend == "aws" and not args.dry_run and not args.yes:
        raise CourseError("cohort cleanup on a real account needs --yes; run it with --dry-run first to see the plan.")
    reports = cohort.teardown(course, learners, dry_run=args.dry_run, echo=lambda line: print(f"  {line}"))
    left = cohort.survivors(reports)
    print("Dry run: nothing was changed." if args.dry_run else
          ("Still there afterwards:\n" + "\n".join(f"  ! {item}" for item in left)) if left else
          f"Nothing of the cohort's {len(learners)} learners survived (keys wait out their deletion window).")
    return 1 if left and not args.dry_run else 0


def _provision(course: Course, learners: list[str], args: argparse.Namespace) -> int:
    """Each learner's identity stack and credentials file (or, with --dry-run, the plan); secrets go only to the files."""
    from . import cohort_identities

    folder = Path(args.out)
    if args.dry_run:
        for line in cohort_identities.plan(course, learners, folder):
            print(f"  - {line}")
        print("Dry run: nothing was changed.")
        return 0
    if course.backend == "aws" and not args.yes:
        raise CourseError("cohort provision on a real account needs --yes; run it with --dry-run first to see the plan.")
    files = cohort_identities.provision(course, learners, folder)
    print(f"{len(files)} learners provisioned; give each learner's hub server the variables in {folder}/<learner>.env "
          "(docs/instructors.md). Keep that folder secret.")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    """Print the learner's own progress: each lab's last check result."""
    from . import progress

    print(progress.table(progress.load()))
    return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    """Print the link to hand out: nbgitpuller for a hub, or mybinder.org."""
    from . import links

    if args.action != "link":
        raise CourseError(f"unknown workshop action {args.action!r}; try: kmscourse workshop link --hub URL --repo URL")
    if args.hub is None and not args.binder:
        raise CourseError("give the hub's URL (--hub https://hub.example.org) or --binder for a mybinder.org link.")
    print(links.binder(args.repo, args.branch) if args.binder else links.nbgitpuller(args.hub, args.repo, args.branch))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subcommand per task."""
    parser = argparse.ArgumentParser(prog="kmscourse", description="The AWS KMS course's helper command.")
    sub = parser.add_subparsers(dest="command", required=True)
    emu = sub.add_parser("emulator", help="run the course emulator in the foreground, for a terminal or another SDK")
    emu.add_argument("--port", type=int, default=4566, help="port on 127.0.0.1 to serve on (0 picks a free one; default 4566)")
    emu.set_defaults(func=cmd_emulator)
    course = sub.add_parser("course", help="execute every lesson notebook headless and print a summary table")
    course.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/*.ipynb)")
    course.add_argument("--build", default="build", help="folder for the executed copies (default: build)")
    course.set_defaults(func=cmd_course)
    labs = sub.add_parser("labs", help="regenerate labs/ from solutions/")
    labs.add_argument("--check", action="store_true", help="only report labs that differ from their solutions")
    labs.set_defaults(func=cmd_labs)
    lab = sub.add_parser("lab", help="copy the labs to my-labs/ to work in (never overwriting yours); `lab reset NN` starts one over")
    lab.add_argument("lab", nargs="*", metavar="[reset] NN", help="a lab number (default: every lab); `reset NN` backs up your copy and starts it over")
    lab.set_defaults(func=cmd_lab)
    jupyter = sub.add_parser("jupyter", help="what `make lab` runs: copy the labs to my-labs/, then start JupyterLab on lesson 00 "
                                             "without the test-only extensions; other arguments go to `jupyter lab`")
    jupyter.set_defaults(func=cmd_jupyter)
    sub.add_parser("options", help="list the environment variables the course reads").set_defaults(func=cmd_options)
    sub.add_parser("preflight", help="check versions, backend, identity and region").set_defaults(func=cmd_preflight)
    cleanup = sub.add_parser("cleanup", help="remove this learner's course stacks, keys, aliases, grants, trails, IAM users and buckets (nothing else)")
    cleanup.add_argument("--dry-run", action="store_true", help="only show what would be removed; change nothing")
    cleanup.add_argument("--yes", action="store_true", help="on a real account, do not ask for the account id to confirm")
    cleanup.set_defaults(func=cmd_cleanup)
    sub.add_parser("costs", help="print the cost card and what your current course resources would cost").set_defaults(func=cmd_costs)
    cohort = sub.add_parser("cohort", help="for instructors: provision, cleanup or cost for every learner named in a cohort file")
    cohort.add_argument("action", choices=["provision", "cleanup", "cost"],
                        help="provision: each learner's sandbox identity and credentials file; cleanup: each learner's "
                             "teardown and identity; cost: key charges per learner")
    cohort.add_argument("file", help="the cohort file: one KMSCOURSE_LEARNER name per line, # for comments")
    cohort.add_argument("--dry-run", action="store_true", help="provision, cleanup: only show the plan; change nothing")
    cohort.add_argument("--yes", action="store_true", help="provision, cleanup on a real account: do it without asking")
    cohort.add_argument("--out", default="cohort-credentials",
                        help="provision: the folder for each learner's credentials file, <learner>.env (default: cohort-credentials)")
    cohort.set_defaults(func=cmd_cohort)
    sub.add_parser("progress", help="your lab checks so far: each lab's last result, from your progress file").set_defaults(
        func=cmd_progress)
    workshop = sub.add_parser("workshop", help="for instructors: `workshop link` prints the link that opens the course for learners")
    workshop.add_argument("action", choices=["link"], help="link: the nbgitpuller link for a hub (or --binder)")
    workshop.add_argument("--hub", help="the JupyterHub's URL, e.g. https://hub.example.org")
    workshop.add_argument("--repo", required=True, help="the course repository's git URL that learners pull")
    workshop.add_argument("--branch", default="main", help="the branch to pull (default: main)")
    workshop.add_argument("--binder", action="store_true", help="print a mybinder.org link instead (GitHub repositories)")
    workshop.set_defaults(func=cmd_workshop)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: one clear sentence for an expected problem, never a traceback wall."""
    try:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if args.command == "jupyter":
            args.jupyter_args = extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except CourseError as exc:
        print(f"kmscourse: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:
        from . import _not_installed

        print(f"kmscourse: {_not_installed(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
