"""Grade one simulated class of ex01 twice, with the process pool on this machine and
through a dask cluster of 2 local workers, and print each run's throughput and the
coordinator's peak memory; then project a large class of ex04 onto a large cluster from
the per-submission cost measured here.

    .venv/bin/python -m benchmarks.cluster [--students 5000] [--ex04 4] [--modes pool,dask]

The class mixes right, blank, wrong and hostile submissions (benchmarks/grading.py's
make_class). The coordinator's memory is its resident set (RSS), sampled every 0.2 s and
also printed at each tenth of the class graded (counted in the streamed results.json), so
that a class of any size shows whether it grows; the grading processes' own memory is
not the coordinator's and is not counted. Run by hand on a quiet machine: timings are
not a test.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks.grading import ENV, REPO, make_class
from tests.support.samples import make_submission, solution_answers

DASK = os.path.join(os.path.dirname(sys.executable), "dask")
CLUSTER_ENV = {**ENV, "PYTHONPATH": str(REPO)}


def graded_so_far(results):
    try:
        with open(results, "rb") as file:
            return sum(1 for _ in file)
    except FileNotFoundError:
        return 0


def measured(args, results, students):
    """Run the grader; return (seconds, peak RSS of the coordinator in MB, its CPU seconds)
    and print its RSS each time another tenth of the class is in `results`."""
    start = time.monotonic()
    process = psutil.Popen(args, cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = cpu = 0.0
    tenths = []
    while process.poll() is None:
        try:
            rss = process.memory_info().rss
            times = process.cpu_times()
            cpu = times.user + times.system
        except psutil.NoSuchProcess:
            break
        peak = max(peak, rss)
        done = graded_so_far(results)
        if done * 10 >= (len(tenths) + 1) * students:
            tenths.append(f"{done}: {rss / 1024 ** 2:.0f}")
            print(f"    coordinator RSS (MB) by submissions graded: {', '.join(tenths)}", flush=True)
        time.sleep(0.2)
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{args} failed:\n{err.decode()}")
    print("   ", out.decode().strip())
    return time.monotonic() - start, peak / 1024 ** 2, cpu


class LocalCluster:
    """`dask scheduler` and `dask worker --nworkers 2 --nthreads 1`, as README starts them."""

    def __enter__(self):
        self.folder = tempfile.TemporaryDirectory()
        file = Path(self.folder.name) / "scheduler.json"
        self.log = open(Path(self.folder.name) / "cluster.log", "w")
        self.processes = [subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(file)], env=CLUSTER_ENV, stdout=self.log, stderr=self.log)]
        while not file.is_file():
            time.sleep(0.2)
        self.address = json.loads(file.read_text())["address"]
        self.processes.append(subprocess.Popen(
            [DASK, "worker", "--scheduler-file", str(file), "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard"], cwd=REPO, env=CLUSTER_ENV, stdout=self.log, stderr=self.log))
        from distributed import Client
        with Client(self.address) as client:
            client.wait_for_workers(2, timeout=120)
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            process.terminate()
            process.wait(60)
        self.log.close()
        self.folder.cleanup()


def grade(assignment, folder, out, students, *extra):
    return measured([sys.executable, "-m", "autograder", "grade", assignment, str(folder),
                     "--out", str(out), "--timeout", "600", *extra], out / "results.json", students)


def report(name, students, seconds, peak, cpu):
    print(f"{name:<34} {seconds:8.1f} s  {students / seconds * 60:6.1f} submissions/min  "
          f"coordinator peak {peak:6.1f} MB, CPU {cpu / students * 1000:.0f} ms per submission")


def main():
    parser = argparse.ArgumentParser(prog=f"python -m {__spec__.name}",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--ex04", type=int, default=4, help="ex04 submissions to measure its cost")
    parser.add_argument("--modes", default="pool,dask", help="pool, dask or both, comma-separated")
    args = parser.parse_args()
    modes = args.modes.split(",")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_class(tmp / "class", args.students)
        print(f"{args.students} submissions of ex01-shapes-and-counts, {cores} cores")
        if "pool" in modes:
            local = grade("ex01-shapes-and-counts", tmp / "class", tmp / "local", args.students,
                          "--jobs", "2")
            report("process pool, --jobs 2", args.students, *local)
        if "dask" in modes:
            with LocalCluster() as cluster:
                remote = grade("ex01-shapes-and-counts", tmp / "class", tmp / "dask", args.students,
                               "--scheduler", cluster.address)
            report("--scheduler, 2 local workers", args.students, *remote)
        if len(modes) == 2:
            same = (tmp / "local" / "grades.csv").read_text() == (tmp / "dask" / "grades.csv").read_text()
            print(f"same grades.csv: {same}")
        if not args.ex04:
            return

        answers = solution_answers("ex04-cnn-in-pytorch")
        for i in range(args.ex04):
            make_submission("ex04-cnn-in-pytorch", tmp / "ex04" / f"s{i}", answers)
        seconds, _, _ = grade("ex04-cnn-in-pytorch", tmp / "ex04", tmp / "ex04-out", args.ex04,
                              "--jobs", "2")
        slot_seconds = seconds * 2 / args.ex04   # includes the once-per-run preparation
        print(f"ex04: {args.ex04} right submissions in {seconds:.1f} s on 2 slots: "
              f"{slot_seconds:.1f} slot-seconds per submission")
        slots = 50 * 8
        hours = 20_000 * slot_seconds / slots / 3600
        if "dask" not in modes:
            return
        coordinator = remote[2] / args.students   # the coordinator's CPU per submission
        print(f"projection: 20,000 ex04 submissions on 50 workers x 8 cores = {slots} slots: "
              f"{hours:.1f} h, if the workers' cores are as fast as these; the coordinator "
              f"then sends {20_000 / (hours * 3600):.1f} submissions/s and can send about "
              f"{1 / coordinator:.0f}/s ({coordinator * 1000:.0f} ms of its CPU each)")


if __name__ == "__main__":
    main()
