"""A grading process: one submission graded (worker.grade) in a process of its own, with a
wall-time limit, so that a submission that hangs or crashes costs only its own grade.

Its output goes to a log and its result to JSON in its scratch folder, which the parent
reads back (`collect`). Forked, not spawned: the parent imports what grading needs once
(`preload`), and every child starts with it.

As root, the grading process does only what needs root and then forks the grading
itself as the unprivileged grading user (sandbox.GRADING_USER): root copies the
submission without following links, makes the kernel's folders and cgroups, and starts
the kernel when the grading asks (launcher.KernelLauncher); nbgrader, the judge and the
feedback never run as root, and root writes the result the grading handed back over its
socket, never a file the grading wrote.
"""
import contextlib
import os
import signal
import socket
import time
import traceback
from pathlib import Path

import psutil

from autograder.course import REPO_ROOT
from autograder.grading import launcher, privileges, sandbox
from autograder.grading.results import SubmissionResult
from autograder.grading.submissions import copy_student_files
from autograder.grading.worker import KernelStart, grade, kernel_prefix


def preload():
    """Import, once in the parent, what grading would import lazily in every forked
    grading process (kernel specs, feedback templates, markdown, highlighting, and the
    grader's PyTorch, which computes the expected answers)."""
    import IPython  # noqa: F401
    import ipykernel.kernelspec  # noqa: F401
    import jinja2  # noqa: F401
    import mistune  # noqa: F401
    import pygments.formatters.html  # noqa: F401
    import pygments.lexers  # noqa: F401
    import torch
    import autograder.grading.feedback_exporter  # noqa: F401  (nbconvert, latex2mathml)
    # One thread: a thread pool started in this process before it forks breaks PyTorch
    # in the grading processes (they crashed), and the grader's small references need none.
    torch.set_num_threads(1)


def kill_tree(pid):
    """Stop a grading process and everything it started (its kernel, the student's children).

    Its process group too: a child forked a moment ago and not yet listed (nbgrader
    starting a kernel) would otherwise outlive it, and the sandbox it then starts would
    see no parent to die with."""
    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    if os.getpgid(0) != pid:   # never our own group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=10)


def timed_out(plan, student_id, timeout):
    result = SubmissionResult.ungraded(plan, student_id, "timeout",
                                       f"grading was stopped after {timeout:g} s (the time limit)")
    result.seconds = timeout
    return result


def collect(plan, student_id, scratch, how_it_ended):
    """The result a grading process left in `scratch`."""
    result_file = Path(scratch) / "result.json"
    if not result_file.is_file():
        return SubmissionResult.ungraded(plan, student_id, "error",
                                         f"the grading process died ({how_it_ended})")
    return SubmissionResult.from_json(result_file.read_text(), student_id, plan.assignment)


def run_in_child(student_id, folder, template_course, scratch, isolation):
    """Entry point of a grading process: its output goes to a log, its result to JSON."""
    os.setpgid(0, 0)   # a group of its own, which kill_tree stops whole
    os.umask(0o022)    # what root makes here, the grading user must read
    scratch = Path(scratch)
    scratch.mkdir(parents=True)
    log = os.open(scratch / "grading.log", os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    started = time.monotonic()
    try:
        result = _grade(student_id, folder, template_course, scratch, isolation)
    except Exception as error:
        result = SubmissionResult.ungraded(template_course.plan, student_id, "error",
                                           f"grading failed: {type(error).__name__}: {error}")
    finally:
        for child in psutil.Process().children(recursive=True):  # nothing may outlive grading
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
    result.seconds = round(time.monotonic() - started, 2)   # for the class report
    (scratch / "result.json").write_text(result.to_json())


def _grade(student_id, folder, template_course, scratch, isolation):
    """The submission's files copied in (never through a link), the kernel's folders and
    cgroups made, then graded here, or, as root, by the grading user."""
    staged = scratch / "submission"
    copy_student_files(folder, staged)
    cgroups = sandbox.Cgroups(f"autograde-{os.getpid()}", isolation.limits)
    try:
        folders = sandbox.KernelFolders.make(scratch, isolation)
        prefix = kernel_prefix(template_course, isolation, cgroups, folders, scratch / "withheld")
        if isolation.grader is None:
            return grade(student_id, staged, template_course, scratch / "course",
                         KernelStart(folders, cgroups, prefix=tuple(prefix)))
        return _grade_as_grading_user(student_id, staged, template_course, scratch, isolation,
                                      KernelStart(folders, cgroups), prefix)
    finally:
        cgroups.remove()


def _grade_as_grading_user(student_id, staged, template_course, scratch, isolation, kernel, prefix):
    """Fork the grading as the grading user; start its kernel when it asks; its result."""
    course = scratch / "course"
    course.mkdir(mode=0o700)
    os.chown(course, *isolation.grader)
    reach = scratch / "reach"   # where root's mounts for the grading user are held
    reach.mkdir()
    ours, theirs = socket.socketpair()
    root = os.getpid()
    pid = os.fork()
    if pid == 0:   # the grading: drop root for good, then grade
        code = 1
        try:
            ours.close()
            privileges.become(isolation.grader, course, reach, also_read=[REPO_ROOT])
            _die_with(root)   # after setuid, which clears the death signal
            try:
                result = grade(student_id, staged, template_course, course,
                               KernelStart(kernel.folders, kernel.cgroups, launcher_fd=theirs.fileno()))
            except Exception as error:
                traceback.print_exc()
                result = SubmissionResult.ungraded(template_course.plan, student_id, "error",
                                                   f"grading failed: {type(error).__name__}: {error}")
            launcher.client(theirs.fileno()).ask(op="result", result=result.to_json())
            code = 0
        finally:
            os._exit(code)
    theirs.close()
    handed_back = launcher.KernelLauncher(ours, prefix, kernel.folders.work).serve()
    _, status = os.waitpid(pid, 0)
    if handed_back is None:
        return SubmissionResult.ungraded(
            template_course.plan, student_id, "error",
            f"the grading process died (exit code {os.waitstatus_to_exitcode(status)})")
    return SubmissionResult.from_json(handed_back, student_id, template_course.assignment)


def _die_with(parent):
    """Be killed when the parent dies (a worker killed mid-task must not leave its grading,
    and the student's kernel under it, running with nobody to stop them at the time limit)."""
    import ctypes
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, 9)  # SIGKILL
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def grade_in_fork(student_id, folder, template_course, scratch, isolation, timeout):
    """Grade one submission in a forked process within `timeout` seconds, for a caller
    that grades one at a time (a dask task). os.fork rather than multiprocessing: dask's
    worker processes are daemons, and multiprocessing lets no daemon have children."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: grade, and leave without running the parent's exit handlers
        code = 1
        try:
            _die_with(parent)
            run_in_child(student_id, folder, template_course, scratch, isolation)
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return collect(template_course.plan, student_id, scratch,
                           f"exit code {os.waitstatus_to_exitcode(status)}")
        if time.monotonic() >= deadline:
            kill_tree(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            return timed_out(template_course.plan, student_id, timeout)
        time.sleep(0.05)
