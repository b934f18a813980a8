"""Grade a folder of submissions in parallel: one process per submission, each with a
wall-time limit, so that a submission that hangs or crashes costs only its own grade."""
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import tempfile
import time
from collections import deque
from pathlib import Path

import psutil
from tqdm import tqdm

from autograder import worker


def _kill_tree(pid):
    """Stop a grading process and everything it started (its kernel, the student's children)."""
    try:
        root = psutil.Process(pid)
        procs = root.children(recursive=True) + [root]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


def _scratch_parent():
    """Where the scratch courses go: in memory (tmpfs) when there is room, because
    nbgrader's gradebook waits for the disk at every commit; else the usual temp folder."""
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= 2 * 1024 ** 3:
            return str(shm)
    except OSError:
        pass
    return None


def _collect(template, submission, process, scratch):
    result_file = Path(scratch) / "result.json"
    if result_file.is_file():
        return json.loads(result_file.read_text())
    return worker.ungraded(template, submission.student_id, "error",
                           f"the grading process died (exit code {process.exitcode})")


class KernelCannotStart(Exception):
    """The grader cannot start a student's kernel here: the instructor's problem."""


def grade_all(assignment, submissions, feedback_dir, jobs, timeout, isolation, progress=True):
    """Grade every submission, copying feedback HTML to feedback_dir/STUDENT_ID/.

    Returns (template, results in the order of `submissions`).
    """
    with tempfile.TemporaryDirectory(prefix="autograde-", dir=_scratch_parent()) as work:
        work = Path(work)
        worker.preload()   # first: the template's expected values are computed with torch
        template = worker.prepare_template(assignment, work / "template")
        problem = worker.kernel_start_problem(template, isolation, work / "kernel-check")
        if problem:
            raise KernelCannotStart(problem)
        results = [None] * len(submissions)
        pending = deque()
        for index, submission in enumerate(submissions):
            if worker.present_notebooks(submission.folder, template):
                pending.append(index)
            else:
                found = sorted(p.name for p in submission.folder.glob("*.ipynb"))
                expected = ", ".join(f"{n}.ipynb" for n in template["notebooks"])
                results[index] = worker.ungraded(
                    template, submission.student_id, "missing",
                    f"no {expected} in the submission"
                    + (f" (found: {', '.join(found)})" if found else ""))

        # Fork, not spawn: children start with nbgrader already imported.
        context = multiprocessing.get_context("fork")
        running = {}  # sentinel -> (process, index, deadline, scratch)
        bar = tqdm(total=len(submissions), unit="submission", initial=len(submissions) - len(pending),
                   disable=None if progress else True)  # None: shown on a terminal only
        while pending or running:
            while pending and len(running) < jobs:
                index = pending.popleft()
                submission = submissions[index]
                scratch = work / f"{index:05d}"
                process = context.Process(
                    target=worker.run_in_child,
                    args=(submission.student_id, submission.folder, template, scratch, isolation))
                process.start()
                running[process.sentinel] = (process, index, time.monotonic() + timeout, scratch)
            next_deadline = min(deadline for _, _, deadline, _ in running.values())
            ready = multiprocessing.connection.wait(
                list(running), timeout=max(0.0, next_deadline - time.monotonic()))
            now = time.monotonic()
            for sentinel in list(running):
                process, index, deadline, scratch = running[sentinel]
                submission = submissions[index]
                if sentinel in ready:
                    process.join()
                    results[index] = _collect(template, submission, process, scratch)
                elif now >= deadline:
                    _kill_tree(process.pid)
                    process.join()
                    results[index] = worker.ungraded(
                        template, submission.student_id, "timeout",
                        f"grading was stopped after {timeout:g} s (the time limit)")
                else:
                    continue
                for html in results[index].pop("feedback", []):
                    dest = Path(feedback_dir) / submission.student_id
                    dest.mkdir(parents=True, exist_ok=True)
                    shutil.copy(html, dest / Path(html).name)
                shutil.rmtree(scratch, ignore_errors=True)  # 500 students need not fit at once
                del running[sentinel]
                bar.update(1)
        bar.close()
        return template, results
