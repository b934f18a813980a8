"""Grade the same submissions with plain sequential `nbgrader autograde` and with the batch
grader, and print both times, their ratio and the batch grader's overhead per submission.

    .venv/bin/python -m benchmarks.grading [--submissions 40] [--jobs 2] [--assignment ex04-cnn-in-pytorch]

Overhead is the CPU-slot time each submission costs the batch grader (wall time x jobs /
submissions) minus the time the student's cells themselves take to run, measured by
executing each notebook once more with nbclient in a warm kernel. The cells are timed
twice: one notebook at a time with the machine to itself, and `jobs` at a time with the
thread limits the batch gives each kernel, as they run inside the batch (on two cores
that share caches, or are two hyperthreads, code runs slower beside another kernel).
Run by hand on a quiet machine: timings are not a test.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tests.support.commands import ENV
from tests.support.samples import REPO, SAMPLES, make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"


def make_class(folder, count):
    """`count` submissions: right ones, the released stub, and each sample mistake in turn."""
    answers = solution_answers(ASSIGNMENT)
    kinds = [answers, None] + [sample(ASSIGNMENT, p.stem)[0]
                               for p in sorted((SAMPLES / ASSIGNMENT).glob("*.py"))]
    for i in range(count):
        make_submission(ASSIGNMENT, folder / f"s{i:03d}", kinds[i % len(kinds)])


def timed(args, cwd):
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def cells_seconds(notebook, cwd):
    """Time the notebook's cells take, in a kernel already started (kernel start excluded)."""
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, allow_errors=True, resources={"metadata": {"path": cwd}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])  # no start-up chatter
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def _limit_threads(threads):
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        # inherited by plain nbgrader's kernels; the batch grader sets the same in its
        # kernels' command (sandbox.limits_command)
        os.environ[variable] = str(threads)


def _timed_cells(notebook):
    return cells_seconds(notebook, str(notebook.parent))


def cells_side_by_side(notebooks, jobs):
    """Mean time of the cells when `jobs` notebooks run at once, each kernel limited to
    cores // jobs threads: the conditions of the student's code inside the batch."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(jobs, initializer=_limit_threads, initargs=(threads,)) as pool:
        seconds = list(pool.map(_timed_cells, notebooks))
    return sum(seconds) / len(seconds)


def main():
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--assignment", default=ASSIGNMENT)
    args = parser.parse_args()
    globals()["ASSIGNMENT"] = args.assignment   # the one assignment every step below uses

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        course = tmp / "course"
        course.mkdir()
        for name in ("nbgrader_config.py", "autograder", "solutions", "exercises"):
            (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, course / name)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT,
                        "--force"], cwd=course, env=ENV, check=True, capture_output=True)
        make_class(tmp / "class", args.submissions)
        for student in (tmp / "class").iterdir():
            shutil.copytree(student, course / "submitted" / student.name / ASSIGNMENT)

        print(f"{args.submissions} submissions of {ASSIGNMENT}, {os.cpu_count()} cores")
        plain = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], course)
        print(f"plain nbgrader autograde (sequential): {plain:7.1f} s")
        batch = timed([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, str(tmp / "class"),
                       "--out", str(tmp / "out"), "--jobs", str(args.jobs)], REPO)
        print(f"python -m autograder grade --jobs {args.jobs}:   {batch:7.1f} s")
        print(f"ratio: {plain / batch:.2f}x")

        notebooks = sorted((course / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"))
        per_slot = batch * args.jobs / args.submissions
        print(f"batch: {per_slot:.2f} s per submission per job slot")
        alone = sum(cells_seconds(nb, str(nb.parent)) for nb in notebooks) / len(notebooks)
        print(f"student cells, one notebook at a time: {alone:.2f} s per submission; "
              f"overhead {per_slot - alone:.2f} s per submission")
        side_by_side = cells_side_by_side(notebooks, args.jobs)
        print(f"student cells, {args.jobs} at a time as in the batch: {side_by_side:.2f} s per "
              f"submission; overhead {per_slot - side_by_side:.2f} s per submission")


if __name__ == "__main__":
    main()
