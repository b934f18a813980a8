"""Command line of the batch grader:

    python -m autograder grade ASSIGNMENT SUBMISSIONS_DIR --out OUT_DIR [--jobs N] [--timeout S]
                               [--scheduler tcp://HOST:PORT] [--resume] [--gradebook]
    python -m autograder export-lms OUT_DIR --roster ROSTER.csv --format canvas|moodle
"""
import argparse
import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from autograder.course import ensure_tools_on_path, known_assignments
from autograder.grading.sandbox import Cgroups, Isolation, Limits, NoGradingUser, bwrap_path

# nbformat's validator imports jsonschema, which builds ~40 parsers (1.5 s at every start)
# when rfc3987-syntax is installed, for IRI format checks that no notebook schema uses.
sys.modules.setdefault("rfc3987_syntax", None)


class InstructorError(Exception):
    """A mistake in the command itself: reported in one line, exit code 2."""


def _threshold(text):
    if text == "off":
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number in (0, 1] nor 'off'")
    return value


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
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="grade on the workers of this dask scheduler (default: this machine, "
                            "--jobs at a time)")
    grade.add_argument("--resume", action="store_true",
                       help="keep the results already in OUT_DIR for unchanged submissions of "
                            "the same assignment version, and grade only the rest")
    grade.add_argument("--similarity", type=_threshold, default=0.9, metavar="THRESHOLD",
                       help="flag in the report the pairs of submissions whose own code is at "
                            "least this alike, 0 to 1 (copydetect; default 0.9), or 'off'")
    grade.add_argument("--gradebook", action="store_true",
                       help="also write each graded submission into the course's nbgrader "
                            "gradebook (scores per test cell, autograded notebooks, feedback), "
                            "for the formgrader, manual grading and nbgrader export")
    lms = commands.add_parser(
        "export-lms", help="write an assignment's grades as a CSV an LMS gradebook imports",
        description="Write OUT_DIR's grades for Canvas's or Moodle's gradebook import, with "
                    "the students' LMS identifiers from a roster.")
    lms.add_argument("out_dir", type=Path, help="a folder the grade command wrote")
    lms.add_argument("--roster", type=Path, required=True,
                     help="CSV with a column of student ids and the LMS's identifiers (canvas: "
                          "Student, ID, SIS User ID, SIS Login ID, Section, as Canvas exports them)")
    lms.add_argument("--format", choices=["canvas", "moodle"], required=True, dest="lms")
    lms.add_argument("--id-column", default="student_id",
                     help="the roster's column of the ids used for submissions (default: student_id)")
    lms.add_argument("--column", help="title of the grade column (default: the assignment's name; "
                                      "for Canvas, 'Name (ID)' updates an existing assignment)")
    lms.add_argument("--lms-id", default="Email address",
                     help="moodle: the roster's column that identifies users (default: Email address)")
    lms.add_argument("--output", type=Path, help="file to write (default: OUT_DIR/lms-FORMAT.csv)")
    return parser


def export_lms_command(args):
    from autograder.reporting.lms import RosterError, export_lms
    try:
        export = export_lms(args.out_dir, args.roster, args.lms, args.output, args.id_column,
                            args.column, args.lms_id)
    except RosterError as error:
        raise InstructorError(str(error)) from None
    print(f"{export.rows} students written to {export.path} for {args.lms}.")
    if export.no_grade:
        print(f"{len(export.no_grade)} in the roster without a grade (left blank, which the LMS "
              "imports as no change):")
        for student_id, why in export.no_grade:
            print(f"  {student_id}: {why}")
    if export.not_in_roster:
        print(f"{len(export.not_in_roster)} submissions whose student is not in the roster "
              "(not written: add them to the roster):")
        for student_id in export.not_in_roster:
            print(f"  {student_id}")
    if export.quoted:
        print(f"{len(export.quoted)} in the roster whose LMS identifier starts like a spreadsheet "
              "formula (=, +, -, @): written with a ' before it, so the LMS may not match them:")
        for student_id in export.quoted:
            print(f"  {student_id}")
    return 0


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
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        raise InstructorError(f"--scheduler '{args.scheduler}' is not a dask address "
                              "(tcp://HOST:PORT)")
    if args.sandbox == "bwrap" and not args.scheduler and bwrap_path() is None:
        raise InstructorError("--sandbox bwrap: bubblewrap is not installed or cannot run "
                              "here (Debian/Ubuntu: apt-get install bubblewrap)")


def _isolation(args):
    """How students' kernels are confined here; warn loudly when they are not."""
    sandbox = args.sandbox or ("bwrap" if bwrap_path() else "none")
    if sandbox == "none":
        rights = ("as nobody and can read what any user may, and reach other students' "
                  "kernels" if os.geteuid() == 0 else
                  "with your rights and can read and change your files")
        print(f"WARNING: students' code is NOT sandboxed: it runs {rights}. Install "
              "bubblewrap to isolate it.", file=sys.stderr)
    probe = Cgroups(f"autograde-probe-{os.getpid()}", Limits(memory_bytes=args.memory * 1024 ** 2))
    probe.remove()
    if not probe.available:
        print("WARNING: no memory or process limit can be set here (needs cgroups and root); "
              "only the time limit applies.", file=sys.stderr)
    # kernels share the cores: more threads each would only make them wait for each other
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    try:
        return Isolation.here(sandbox, args.memory, [args.submissions_dir, args.out], threads)
    except NoGradingUser as error:
        raise InstructorError(str(error)) from None


class _Stop:
    """Ctrl-C or SIGTERM (a batch system's stop, a shutdown) ends the run: results so far
    are kept and nothing it started is left running.

    The handler raises KeyboardInterrupt at once; when that lands inside code that ignores
    exceptions (a __del__, a finalizer: Python prints them and goes on), `requested` still
    stops the batch after the next result."""
    requested = False

    @classmethod
    def install(cls):
        def stop(signum, frame):
            cls.requested = True
            raise KeyboardInterrupt
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)


def grade_command(args):
    # Imported here so that `--help` and instructor errors answer at once.
    from autograder.batch.cluster import ClusterError, ClusterPool, WorkerIsolation
    from autograder.batch.outputs import ResultsWriter, earlier_results
    from autograder.batch.pool import Job, KernelCannotStart, LocalPool
    from autograder.batch.progress import Progress
    from autograder.course import assignment_version
    from autograder.grading.results import SubmissionResult
    from autograder.grading.submissions import content_hash, find_submissions
    from autograder.reporting.gradebook import GradebookError, GradebookWriter
    from autograder.reporting.report import build_report

    _check(args)
    ensure_tools_on_path()
    version = assignment_version(args.assignment)
    if args.scheduler:
        # every worker must sandbox: it says so itself rather than grade unconfined
        pool = ClusterPool(args.scheduler, args.assignment, version, args.timeout, WorkerIsolation(
            args.sandbox or "bwrap", args.memory,
            (str(args.submissions_dir.resolve()), str(args.out.resolve()))))
        where = "the dask cluster"
    else:
        isolation = _isolation(args)
        pool = LocalPool(args.assignment, args.jobs, args.timeout, isolation)
        where = f"the {isolation.sandbox} sandbox"
    submissions = find_submissions(args.submissions_dir, args.assignment)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)   # before the sandbox hides it
    earlier = earlier_results(out, args.assignment, version) if args.resume else {}
    if args.resume and not earlier and (out / "results.json").is_file():
        print(f"--resume: the results in {out} are of another assignment or another version "
              "of it (its tests or the grader changed), so every submission is graded again.",
              file=sys.stderr)
    _Stop.install()
    writer = None
    started = time.monotonic()
    try:
        with pool, contextlib.ExitStack() as cleanup:
            plan = pool.plan
            # opened before any grading: a gradebook that cannot take the results says so now
            gradebook = cleanup.enter_context(GradebookWriter(args.assignment, plan.notebooks)) \
                if args.gradebook else None
            missing, jobs, kept = [], [], set()
            for s in submissions:
                if not plan.present_notebooks(s.folder):
                    missing.append(s)
                    continue
                sha = content_hash(s.folder)
                if earlier.get(s.student_id) == sha:
                    kept.add(s.student_id)
                else:
                    jobs.append(Job(s.student_id, s.folder, sha))
            del earlier
            writer = ResultsWriter(out, args.assignment, version, kept)
            for s in missing:
                found = sorted(p.name for p in s.folder.glob("*.ipynb"))
                expected = ", ".join(f"{n}.ipynb" for n in plan.notebooks)
                writer.add(SubmissionResult.ungraded(
                    plan, s.student_id, "missing", f"no {expected} in the submission"
                    + (f" (found: {', '.join(found)})" if found else "")))
            progress = Progress(len(submissions), initial=len(missing) + len(kept))
            try:
                sha256 = {job.student_id: job.sha256 for job in jobs}   # what --resume compares
                for result in pool.grade(jobs):
                    result.submission_sha256 = sha256[result.student_id]
                    if gradebook:   # before the results files: a re-run redoes both
                        gradebook.add(result)
                    writer.add(result)
                    progress.update()
                    if _Stop.requested:
                        raise KeyboardInterrupt
            finally:
                progress.close()
    except KernelCannotStart as error:
        raise InstructorError(f"a student's kernel cannot start in {where}, so nothing was "
                              f"graded: {error}") from None
    except ClusterError as error:
        _stopped(writer, out)
        raise InstructorError(str(error)) from None
    except GradebookError as error:
        _stopped(writer, out)
        raise InstructorError(str(error)) from None
    except KeyboardInterrupt:
        _stopped(writer, out)
        return 130
    seconds = time.monotonic() - started
    similarity = None
    if args.similarity is not None:
        similarity = _similarity(submissions, plan, args.similarity, out)
    report = build_report(writer.finish(), plan, seconds, pool.slots, similarity)
    (out / "report.html").write_text(report, encoding="utf-8")
    graded = writer.statuses["graded"]
    now = f"{writer.count - len(missing)} graded now"
    if args.resume:
        now += f", {len(kept)} kept from the earlier run"
    print(f"{graded} of {len(submissions)} submissions graded in {seconds:.1f} s ({now}); "
          f"grades in {out / 'grades.csv'}, class report in {out / 'report.html'}")
    if gradebook:
        print(f"{gradebook.written} graded now written into the gradebook "
              f"({gradebook.coursedir.db_url}): see them in the formgrader, or run nbgrader export")
    return 0


def _similarity(submissions, plan, threshold, out):
    """The near-identical pairs of the class (autograder/reporting/similarity.py), also written to
    OUT_DIR/similarity.csv; timed, since it grows with the class."""
    import csv

    from autograder.batch.outputs import csv_row
    from autograder.reporting.similarity import Similarity, similar_pairs, student_code
    started = time.monotonic()
    codes = {s.student_id: student_code(s.folder, plan.notebooks) for s in submissions}
    try:
        pairs = similar_pairs(codes, plan.released_code(), threshold)
    except RuntimeError as error:   # the grades are written; only the comparison is missing
        print(f"WARNING: the similarity check failed, so the report has no similar pairs: {error}",
              file=sys.stderr)
        return None
    with open(out / "similarity.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["first", "second", "score"])
        writer.writerows(csv_row([p.first, p.second, f"{p.score:.3f}"]) for p in pairs)
    seconds = time.monotonic() - started
    print(f"similarity: {len(pairs)} pair{'' if len(pairs) == 1 else 's'} at least "
          f"{threshold:g} alike among {len(codes)} "
          f"submissions ({seconds:.1f} s), in {out / 'similarity.csv'}")
    return Similarity(pairs, threshold, len(codes), seconds)


def _stopped(writer, out):
    if writer is not None:
        writer.close()
        print(f"Stopped after grading {writer.count} submissions; they are in {out}. Run the "
              "same command with --resume to grade the rest.", file=sys.stderr)


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return export_lms_command(args) if args.command == "export-lms" else grade_command(args)
    except InstructorError as error:
        print(f"python -m autograder: error: {error}", file=sys.stderr)
        return 2
