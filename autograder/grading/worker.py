"""Grade one submission with nbgrader, in a scratch course folder of its own.

The scratch folder is a copy of a template course in which the assignment has been
generated once (its gradebook knows the test cells and their points). The student's
files go into nbgrader's `submitted/` layout under a fixed id, so that any folder name
(spaces, unicode, dots) works and nothing of one student can meet another's.
"""
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from autograder.course import REPO_ROOT, WITHHELD_LIBRARIES, nbgrader_config
from autograder.grading import privileges, sandbox
from autograder.grading.results import SubmissionResult, TestResult
from autograder.grading.submissions import copy_student_files
from autograder.preprocessors.judge_answers import MISTAKE_KEY

STUDENT = "student"  # the id inside every scratch course
MAX_NOTEBOOK_BYTES = 20 * 1024 ** 2  # a bigger "notebook" is not a student's work
# what nbgrader's autograde leaves beside the autograded notebooks, for its feedback commands
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


def _failure_messages(autograded_notebook):
    """grade_id -> (the message a failing test cell showed, as feedback shows it; the
    known mistake the grader named there, {"id", "name"}, or None)."""
    nb = nbformat.read(autograded_notebook, as_version=4)
    messages = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if grade_id and errors:
            messages[grade_id] = (f"{errors[-1]['ename']}: {errors[-1]['evalue']}",
                                  cell.metadata.get(MISTAKE_KEY))
    return messages


@dataclass(frozen=True)
class KernelStart:
    """How a grading process gets its student's kernel: in `folders`, counted by `cgroups`,
    started either here with `prefix` or by root's launcher through the socket `launcher_fd`."""
    folders: sandbox.KernelFolders
    cgroups: sandbox.Cgroups
    prefix: tuple = ()
    launcher_fd: int = -1


def kernel_prefix(template_course, isolation, cgroups, folders, stubs_folder):
    """The command prefix of the student's kernel (see sandbox.kernel_prefix): with the
    course's helper files read-only in the kernel's folder, and the libraries the
    assignment withholds replaced."""
    assignment = template_course.assignment
    source = template_course.root / "solutions" / assignment
    protected = [folders.work / f.relative_to(source) for f in source.rglob("*")
                 if f.is_file() and f.suffix != ".ipynb"]
    withheld = sandbox.withheld_packages(WITHHELD_LIBRARIES.get(assignment, ()), stubs_folder)
    return sandbox.kernel_prefix(isolation, cgroups, folders, protected, withheld)


def _kernel_config(kernel):
    """Settings that start the student's kernel in its own folders, limits and sandbox."""
    config = Config()
    manager = config.SandboxedKernelManager
    manager.kernel_folder = str(kernel.folders.work)
    if kernel.launcher_fd >= 0:
        manager.launcher_fd = kernel.launcher_fd
    else:
        manager.command_prefix = list(kernel.prefix)
    # the kernel and nbgrader talk over Unix sockets: no network inside the sandbox
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(kernel.folders.ipc / "kernel")
    config.KernelManager.connection_file = str(kernel.folders.ipc / "kernel.json")
    config.ExecuteWithLimits.kernel_manager = sandbox.SandboxedKernelManager
    # the notebook has run and every output is in: stop the kernel at once rather than
    # ask it to shut down and wait (0.1 s a submission)
    config.ExecuteWithLimits.shutdown_kernel = "immediate"
    if "memory" in kernel.cgroups.folders:
        config.ExecuteWithLimits.memory_cgroup = str(kernel.cgroups.folders["memory"])
    return config


def kernel_start_problem(template_course, isolation, scratch):
    """Start Python exactly as a student's kernel will start (limits, sandbox, user) and
    import the kernel, and check that the grading user can read what grading reads; None
    when it works, else the reason in one line. A grader that cannot start kernels must
    say so once, not give every student a zero."""
    scratch = Path(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    cgroups = sandbox.Cgroups(f"autograde-check-{os.getpid()}", isolation.limits)
    try:
        folders = sandbox.KernelFolders.make(scratch, isolation)
        sandbox.fill_kernel_folder(template_course.root / "solutions" / template_course.assignment,
                                   folders.work)
        prefix = kernel_prefix(template_course, isolation, cgroups, folders, scratch / "withheld")
        try:
            probe = subprocess.run(prefix + [sys.executable, "-c", "import ipykernel_launcher"],
                                   cwd=folders.work, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{type(error).__name__}: {error}"
        if probe.returncode != 0:
            lines = probe.stderr.strip().splitlines()
            return lines[-1] if lines else f"it exited with code {probe.returncode}"
        if isolation.grader is not None:
            return _grading_user_problem(template_course, isolation, scratch)
    finally:
        cgroups.remove()
    return None


def _grading_user_problem(template_course, isolation, scratch):
    """Why the grading user cannot read what grading reads (Python, the course, the
    template course), or None: a Python started as that user, the way a grading process
    becomes it (privileges.become), imports from each and reads the template's gradebook."""
    home, reach = scratch / "grader-home", scratch / "grader-reach"
    home.mkdir()
    reach.mkdir()
    os.chown(home, *isolation.grader)
    reads = (f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r}); "
             f"import encodings.idna, nbformat, autograder.course; "   # the stdlib, packages, course
             f"open({str(template_course.root / 'gradebook.db')!r}, 'rb').read(1)")
    output, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(output)
            os.dup2(writer, 1)
            os.dup2(writer, 2)
            privileges.become(isolation.grader, home, reach, also_read=[REPO_ROOT])
            os.execv(sys.executable, [sys.executable, "-c", reads])
        finally:
            os._exit(127)
    os.close(writer)
    with os.fdopen(output, "r", errors="replace") as stream:
        said = stream.read().strip().splitlines()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return None
    return (f"the grading user {sandbox.GRADING_USER} cannot read the course or its Python: "
            + (said[-1] if said else f"exit code {os.waitstatus_to_exitcode(status)}"))


def grade(student_id, folder, template_course, scratch, kernel):
    """Grade one submission folder; return its SubmissionResult: copy it into a scratch
    course, check its notebooks, execute and judge them (nbgrader's autograde, with the
    student's kernel as `kernel`, a KernelStart, says), write the feedback, then read the
    scores and the failed tests' messages."""
    scratch = Path(scratch)
    plan = template_course.plan
    result = SubmissionResult.ungraded(plan, student_id, "error")
    submitted = _copy(folder, template_course, scratch)
    result.message = _invalid_notebook(submitted, plan)
    if result.message or not _execute(scratch, plan.assignment, kernel, result):
        return result
    feedback_problem = _write_feedback(scratch, template_course)
    if feedback_problem:
        result.message = feedback_problem
        return result
    result.not_attempted = plan.not_attempted(submitted)
    result.tests = _test_results(plan, _scores(scratch, template_course), _messages(scratch, plan),
                                 result.not_attempted)
    result.score = sum(t.points for t in result.tests)
    result.status = "graded"
    result.feedback = _read_files((scratch / "feedback" / STUDENT / plan.assignment).glob("*.html"))
    autograded = scratch / "autograded" / STUDENT / plan.assignment
    result.autograded = _read_files(   # for the course's gradebook (--gradebook)
        p for p in autograded.iterdir() if p.suffix == ".ipynb" or p.name in SUBMISSION_FILES)
    return result


def _read_files(paths):
    """{file name: text} of these files, in name order (so that results can travel)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(paths)}


def _copy(folder, template_course, scratch):
    """A scratch course: the template's solutions and gradebook, and the student's files
    in nbgrader's submitted/ layout. Returns the submitted assignment's folder."""
    shutil.copytree(template_course.root / "solutions", scratch / "solutions")
    shutil.copy(template_course.root / "gradebook.db", scratch / "gradebook.db")
    submitted = scratch / "submitted" / STUDENT / template_course.assignment
    copy_student_files(folder, submitted)
    return submitted


def _invalid_notebook(submitted, plan):
    """Why a submitted notebook cannot be graded (too big, not a notebook), or ""."""
    for name in plan.present_notebooks(submitted):
        if (submitted / f"{name}.ipynb").stat().st_size > MAX_NOTEBOOK_BYTES:
            return f"{name}.ipynb is larger than {MAX_NOTEBOOK_BYTES // 1024 ** 2} MB"
        try:
            nbformat.validate(nbformat.read(submitted / f"{name}.ipynb", as_version=4))
        except Exception as error:  # not JSON, not a notebook, or an invalid one
            return f"{name}.ipynb is not a valid notebook: {error}".splitlines()[0]
    return ""


def _execute(scratch, assignment, kernel, result):
    """nbgrader's autograde, with the student's kernel in its limits (and sandbox): the
    notebooks run and judged, the scores in the scratch gradebook. Whether it succeeded;
    the kernel's peak memory and, when it failed, why, go into `result`. A kernel that
    died is the student's result (see ExecuteWithLimits), said here too."""
    config = nbgrader_config(scratch)
    config.merge(_kernel_config(kernel))
    graded = NbGraderAPI(config=config).autograde(assignment, STUDENT, force=True, create=True)
    result.peak_memory_bytes = kernel.cgroups.peak_memory_bytes()
    log = (graded.get("log") or "") + (graded.get("error") or "")
    if graded["success"]:
        if kernel.cgroups.memory_limit_hit():
            limit = kernel.cgroups.limits.memory_bytes / 1024 ** 3
            result.message = f"the notebook was stopped for using more than {limit:g} GiB of memory"
        elif "Kernel died" in log:
            result.message = ("the notebook's kernel died while it ran (the code ended or "
                              "crashed Python), so the tests after that did not run")
        return True
    print(log, file=sys.stderr)   # into the grading's log, whole
    result.message = "nbgrader could not grade this submission: " + (_cause(log) or "autograding failed")
    return False


# the last line of a traceback: "SomeError: what happened", as nbgrader's log indents it
EXCEPTION_LINE = re.compile(r"^\s*([\w.]+(Error|Exception|Exit|Interrupt)):\s")


def _cause(log):
    """What went wrong, from nbgrader's log: the last exception that is not nbgrader's own
    "Please see the above traceback", else its last line."""
    lines = [line.strip() for line in log.strip().splitlines() if line.strip()]
    causes = [line for line in lines if EXCEPTION_LINE.match(line) and "NbGraderException" not in line]
    return causes[-1] if causes else (lines[-1] if lines else "")


def _write_feedback(scratch, template_course):
    """nbgrader's feedback pages of the autograded notebooks; why not, or "". A failure is
    the grader's templates', never the student's notebook's."""
    config = nbgrader_config(scratch)
    config.FeedbackExporter.bytecode_cache_dir = str(template_course.compiled_templates)
    feedback = NbGraderAPI(config=config).generate_feedback(template_course.assignment, STUDENT,
                                                            force=True)
    if feedback["success"]:
        return ""
    log = (feedback.get("log") or "") + "\n" + (feedback.get("error") or "")
    print(log, file=sys.stderr)   # into the grading's log, whole
    return ("the grader could not write the feedback page, a fault of the grading setup and "
            "not of the submission: " + (_cause(log) or "no reason given"))


def _scores(scratch, template_course):
    """(notebook, grade_id) -> the points nbgrader's gradebook gave each test."""
    scores = {}
    plan = template_course.plan
    with Gradebook(f"sqlite:///{scratch / 'gradebook.db'}", template_course.course_id) as gb:
        for name in plan.notebooks:
            notebook = gb.find_submission_notebook(name, plan.assignment, STUDENT)
            for g in notebook.grades:
                scores[(name, g.name)] = float(g.score or 0.0)
    return scores


def _messages(scratch, plan):
    """notebook -> its failing tests' messages (see _failure_messages); a notebook not
    submitted has none."""
    messages = {}
    for name in plan.notebooks:
        path = scratch / "autograded" / STUDENT / plan.assignment / f"{name}.ipynb"
        if path.is_file():
            messages[name] = _failure_messages(path)
    return messages


def _test_results(plan, scores, messages, not_attempted_cells):
    """Each test of the assignment: its points, whether it passed, its message and the
    known mistake it names, and whether its answer cell was attempted."""
    tests = []
    for test in plan.tests:
        points = scores.get((test.notebook, test.grade_id), 0.0)
        if test.notebook not in messages:
            message, mistake = f"{test.notebook}.ipynb was not submitted.", None
        else:
            message, mistake = messages[test.notebook].get(test.grade_id, ("", None))
        tests.append(TestResult(
            test.notebook, test.grade_id, points, test.max_points,
            passed=points >= test.max_points, message=message, mistake=mistake,
            attempted=test.answer_cell not in not_attempted_cells))
    return tests
