"""Command line of the batch grader:

    python -m autograder grade ASSIGNMENT SUBMISSIONS_DIR --out OUT_DIR [--jobs N] [--timeout S]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import ensure_tools_on_path, known_assignments
from autograder.sandbox import Cgroups, Limits, bwrap_path, kernel_user

# nbformat's validator imports jsonschema, which builds ~40 parsers (1.5 s at every start)
# when rfc3987-syntax is installed, for IRI format checks that no notebook schema uses.
sys.modules.setdefault("rfc3987_syntax", None)


class InstructorError(Exception):
    """A mistake in the command itself: reported in one line, exit code 2."""


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder",
                                     description="Grade a folder of submissions with nbgrader.")
    commands = parser.add_subparsers(dest="command", required=True)
    grade = commands.add_parser(
        "grade", help="grade every submission of one assignment",
        description="Grade SUBMISSIONS_DIR/STUDENT_ID/NOTEBOOK.ipynb (or nbgrader's "
                    "submitted/STUDENT_ID/ASSIGNMENT/ layout) in parallel.")
    grade.add_argument("assignment", help="assignment name, a folder of solutions/")
    grade.add_argument("submissions_dir", type=Path, help="folder with one folder per student")
    grade.add_argument("--out", type=Path, required=True, help="folder for grades and feedback")
    grade.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="submissions graded at once (default: the number of cores)")
    grade.add_argument("--timeout", type=float, default=600.0,
                       help="wall-time limit per submission, in seconds (default: 600)")
    grade.add_argument("--sandbox", choices=["bwrap", "none"], default=None,
                       help="run students' code in a bubblewrap sandbox, or not "
                            "(default: bwrap where it works on this machine)")
    grade.add_argument("--memory", type=int, default=2048, metavar="MB",
                       help="memory limit of a student's kernel, in MB (default: 2048)")
    return parser


def _check(args):
    assignments = known_assignments()
    if args.assignment not in assignments:
        raise InstructorError(f"unknown assignment '{args.assignment}' "
                              f"(known: {', '.join(assignments) or 'none'})")
    if not args.submissions_dir.is_dir():
        raise InstructorError(f"submissions folder '{args.submissions_dir}' does not exist")
    if not os.access(args.submissions_dir, os.R_OK | os.X_OK):
        raise InstructorError(f"submissions folder '{args.submissions_dir}' cannot be read")
    if args.jobs < 1:
        raise InstructorError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise InstructorError("--timeout must be a positive number of seconds")
    if args.out.exists() and not args.out.is_dir():
        raise InstructorError(f"--out '{args.out}' exists and is not a folder")
    if args.memory < 256:
        raise InstructorError("--memory must be at least 256 (MB)")
    if args.sandbox == "bwrap" and bwrap_path() is None:
        raise InstructorError("--sandbox bwrap: bubblewrap is not installed or cannot run "
                              "here (Debian/Ubuntu: apt-get install bubblewrap)")


def _isolation(args):
    """How students' kernels are confined; warn loudly when they are not."""
    sandbox = args.sandbox or ("bwrap" if bwrap_path() else "none")
    limits = Limits(memory_bytes=args.memory * 1024 ** 2)
    if sandbox == "none":
        print("WARNING: students' code is NOT sandboxed: it runs with your rights and can "
              "read and change your files. Install bubblewrap to isolate it.", file=sys.stderr)
    probe = Cgroups(f"autograde-probe-{os.getpid()}", limits)
    probe.remove()
    if not probe.available:
        print("WARNING: no memory or process limit can be set here (needs cgroups and root); "
              "only the time limit applies.", file=sys.stderr)
    hidden = [args.submissions_dir, args.out, tempfile.gettempdir()]
    # kernels share the cores: more threads each would only make them wait for each other
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    user = kernel_user() if sandbox == "bwrap" else None
    return {"sandbox": sandbox, "limits": limits, "hidden": [str(h) for h in hidden],
            "threads": threads, "user": user}


def grade_command(args):
    # Imported here so that `--help` and instructor errors answer at once.
    from autograder.batch import KernelCannotStart, grade_all
    from autograder.outputs import write_grades_csv, write_results_json
    from autograder.report import build_report
    from autograder.submissions import find_submissions

    _check(args)
    isolation = _isolation(args)
    ensure_tools_on_path()
    submissions = find_submissions(args.submissions_dir, args.assignment)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        template, results = grade_all(args.assignment, submissions, out / "feedback",
                                      jobs=args.jobs, timeout=args.timeout, isolation=isolation)
    except KernelCannotStart as error:
        raise InstructorError(f"a student's kernel cannot start in the {isolation['sandbox']} "
                              f"sandbox, so nothing was graded: {error}") from None
    seconds = time.monotonic() - started
    write_grades_csv(results, out / "grades.csv")
    write_results_json(results, args.assignment, out / "results.json")
    (out / "report.html").write_text(build_report(results, template, seconds, args.jobs),
                                     encoding="utf-8")
    graded = sum(r["status"] == "graded" for r in results)
    print(f"{graded} of {len(results)} submissions graded in {seconds:.1f} s; "
          f"grades in {out / 'grades.csv'}, class report in {out / 'report.html'}")
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return grade_command(args)
    except InstructorError as error:
        print(f"python -m autograder: error: {error}", file=sys.stderr)
        return 2
