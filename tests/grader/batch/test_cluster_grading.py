"""`python -m autograder grade ... --scheduler` on a real dask cluster on this machine (a
`dask scheduler` and `dask worker --nworkers 2 --nthreads 1`, as README starts them):
the same grades as grading here, a worker killed mid-batch, a hostile submission that
goes for the scheduler, and a batch interrupted and resumed."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from tests.support.commands import ENV, PYTHON, run
from tests.support.samples import REPO, make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"
DASK = os.path.join(os.path.dirname(PYTHON), "dask")
CLUSTER_ENV = {**ENV, "PYTHONPATH": str(REPO)}   # README: the course's folder on PYTHONPATH
ALLOWED_FAILURES = 1   # worker deaths a task survives (dask's default is 3: fewer kills here)
SLOW = "\n\nimport time\ntime.sleep({seconds})  # a student's slow cell"

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None,
                                reason="grading on a cluster sandboxes every kernel: needs bubblewrap")


def _wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout} s for {what}")


class Cluster:
    """A scheduler and two single-threaded workers, in processes of their own."""

    def __init__(self, folder):
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.log = open(folder / "cluster.log", "w")
        self.processes = [subprocess.Popen(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(self.scheduler_file)],
            cwd=folder, env={**CLUSTER_ENV, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES":
                                 str(ALLOWED_FAILURES)}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)]
        _wait_for(self.scheduler_file.is_file, 60, "the scheduler")
        self.address = json.loads(self.scheduler_file.read_text())["address"]
        self.processes.append(subprocess.Popen(
            [DASK, "worker", "--scheduler-file", str(self.scheduler_file), "--nworkers", "2",
             "--nthreads", "1", "--no-dashboard"],
            cwd=REPO, env=CLUSTER_ENV, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True))
        from distributed import Client
        self.client = Client(self.address, timeout="30s")
        self.client.wait_for_workers(2, timeout=120)

    def worker_pids(self):
        return self.client.run(os.getpid)   # worker address -> pid

    def transitions(self, state):
        """How many times each grading task went into `state` on the scheduler (key -> count):
        "processing" is a start on a worker, "memory" a result."""
        transitions = self.client.run_on_scheduler(
            lambda dask_scheduler: [(t.key, t.finish) for t in dask_scheduler.transition_log])
        counts = {}
        for key, finish in transitions:
            if str(key).startswith("grade-") and finish == state:
                counts[key] = counts.get(key, 0) + 1
        return counts

    def stop(self):
        self.client.close()
        for process in reversed(self.processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("dask"))
    yield cluster
    cluster.stop()


def make_class(folder, scheduler_address=None, slow=0):
    """Right, wrong and hostile ex01 submissions; with `slow`, the right one and one wrong
    one sleep that many seconds (time to kill a worker or interrupt the batch)."""
    answers = solution_answers(ASSIGNMENT)
    first = next(iter(answers))
    kinds = {"right": dict(answers), "released": None}
    for name in ("conv_bias_forgotten", "output_size_not_floored", "cheat_patches_torch_and_builtins"):
        kinds[name] = sample(ASSIGNMENT, name)[0]
    if scheduler_address:   # a student who knows the scheduler's address tries to use it
        host, port = scheduler_address.removeprefix("tcp://").rsplit(":", 1)
        kinds["goes_for_the_scheduler"] = {**answers, first: answers[first] + (
            "\n\nimport socket\ntry:\n"
            f"    socket.create_connection(({host!r}, {port}), timeout=3)\n"
            "    from distributed import Client\n"
            f"    Client({scheduler_address!r}).run(lambda: open({str(folder)!r} + '/pwned', 'w'))\n"
            "except OSError:\n    pass\n")}
    if slow:
        kinds["right"][first] += SLOW.format(seconds=slow)
        kinds["conv_bias_forgotten"][first] += SLOW.format(seconds=slow)
    for name, student_answers in kinds.items():
        make_submission(ASSIGNMENT, folder / name, student_answers)
    return sorted(kinds)


def grade(submissions, out, *extra, check=True):
    return run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(submissions),
                "--out", str(out), "--timeout", "300", *extra], check=check)


def start_on(cluster, folder, out):
    """A batch on the cluster, running in the background."""
    return subprocess.Popen(
        [PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(folder), "--out", str(out),
         "--timeout", "300", "--scheduler", cluster.address],
        cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def grades_of(out):
    return (out / "grades.csv").read_text()


@pytest.fixture(scope="module")
def local_grades(tmp_path_factory, cluster):
    """The same class graded on this machine, without dask."""
    folder = tmp_path_factory.mktemp("class")
    make_class(folder, cluster.address)
    out = tmp_path_factory.mktemp("local")
    grade(folder, out, "--jobs", "2")
    return folder, grades_of(out)


def test_a_cluster_gives_the_grades_and_feedback_of_local_grading(cluster, local_grades, tmp_path):
    folder, expected = local_grades
    out = tmp_path / "out"
    done = grade(folder, out, "--scheduler", cluster.address)
    assert grades_of(out) == expected
    rows = {line.split(",")[0]: line.split(",")[2:5] for line in expected.splitlines()[1:]}
    assert rows["right"] == ["14", "14", "graded"] and rows["released"][0] == "0"
    assert rows["goes_for_the_scheduler"] == ["14", "14", "graded"]
    assert not (folder / "pwned").exists()   # no network in the kernel: the scheduler is out of reach
    pages = sorted(p.relative_to(out / "feedback").as_posix() for p in (out / "feedback").rglob("*.html"))
    assert pages == sorted(f"{s}/{ASSIGNMENT}.ipynb".replace(".ipynb", ".html") for s in rows)
    assert "6 graded now)" in done.stdout


def kill_a_worker_grading(cluster, students):
    """SIGKILL the worker that grades one of `students`, 5 s into its task; return the keys
    it was running."""
    def grading_one():
        busy = [w for w, keys in cluster.client.processing().items()
                if any(str(k).endswith(tuple(f"-{s}" for s in students)) for k in keys)]
        return busy[0] if busy else None
    victim = _wait_for(grading_one, 120, f"a task of {students} to start")
    time.sleep(5)   # well inside its grading: the kernel is running the student's cells
    killed = cluster.client.processing()[victim]
    os.kill(cluster.worker_pids()[victim], signal.SIGKILL)
    _wait_for(lambda: victim not in cluster.client.processing(), 60, "the scheduler to see it")
    return killed


def test_a_worker_killed_mid_task_costs_no_grade(cluster, local_grades, tmp_path):
    folder = tmp_path / "class"
    make_class(folder, cluster.address, slow=15)
    out = tmp_path / "out"
    batch = start_on(cluster, folder, out)
    started = cluster.transitions("processing")
    killed = kill_a_worker_grading(cluster, ["right", "conv_bias_forgotten"])
    stdout, stderr = batch.communicate(timeout=600)
    assert batch.returncode == 0, stderr
    assert grades_of(out) == local_grades[1]
    restarted = cluster.transitions("processing")
    assert all(restarted.get(key, 0) - started.get(key, 0) == 2 for key in killed)  # run again
    cluster.client.wait_for_workers(2, timeout=120)   # the nanny restarted the worker


def test_a_submission_whose_workers_all_die_ends_as_an_error(cluster, tmp_path):
    """Every worker that grades it dies (here: killed), as many times as the scheduler
    allows (ALLOWED_FAILURES) and once more: that submission is `error`, with why; the
    others are graded."""
    folder = tmp_path / "class"
    make_class(folder, slow=20)
    out = tmp_path / "out"
    batch = start_on(cluster, folder, out)
    for _ in range(ALLOWED_FAILURES + 1):
        kill_a_worker_grading(cluster, ["right"])
        cluster.client.wait_for_workers(2, timeout=120)
    stdout, stderr = batch.communicate(timeout=600)
    assert batch.returncode == 0, stderr
    rows = {line.split(",")[0]: line.split(",")[2:5] for line in grades_of(out).splitlines()[1:]}
    assert rows.pop("right") == ["0", "14", "error"]
    assert all(status == "graded" for _, _, status in rows.values())
    message = json.loads((out / "results.json").read_text())["students"]["right"]["message"]
    assert message == (f"each of the {ALLOWED_FAILURES + 1} workers that graded this "
                       "submission died while grading it, so it was not graded")


def test_an_interrupted_batch_resumes_without_grading_anything_twice(cluster, local_grades, tmp_path):
    folder = tmp_path / "class"
    students = make_class(folder, cluster.address, slow=6)
    out = tmp_path / "out"
    batch = start_on(cluster, folder, out)

    def recorded():
        path = out / "results.json"
        return path.is_file() and path.read_text().count("submission_sha256") >= 2
    _wait_for(recorded, 300, "two results")
    batch.send_signal(signal.SIGINT)   # Ctrl-C
    _, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 130, stderr
    assert "--resume" in stderr
    first = json.loads((out / "results.json").read_text() + "\n}}")["students"]
    assert 2 <= len(first) < len(students)
    pages = {s: (out / "feedback" / s / f"{ASSIGNMENT}.html").stat().st_mtime_ns for s in first}
    time.sleep(2)   # a task cancelled by Ctrl-C may still end on its worker
    before = cluster.transitions("memory")

    done = grade(folder, out, "--scheduler", cluster.address, "--resume")
    assert f"{len(students) - len(first)} graded now, {len(first)} kept" in done.stdout
    assert grades_of(out) == local_grades[1]
    assert {s: (out / "feedback" / s / f"{ASSIGNMENT}.html").stat().st_mtime_ns for s in first} == pages
    # the tasks the cluster ran for the resumed batch: one for each student not yet graded
    ran = {key: n - before.get(key, 0) for key, n in cluster.transitions("memory").items()}
    ran = sorted(str(key).rsplit("-", 1)[1] for key, n in ran.items() for _ in range(n))
    assert ran == sorted(set(students) - set(first))


def test_a_worker_with_another_version_of_the_course_refuses_to_grade(cluster, local_grades, tmp_path):
    """The coordinator's course differs from the workers' (here: one test's points): the
    batch stops with one line instead of grading with two sets of tests."""
    copy = tmp_path / "course"
    shutil.copytree(REPO / "autograder", copy / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "solutions", copy / "solutions", symlinks=True)
    (copy / "autograder" / "course.py").write_text(
        (copy / "autograder" / "course.py").read_text() + "\n# another version\n")
    done = run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(local_grades[0]),
                "--out", str(tmp_path / "out"), "--scheduler", cluster.address],
               cwd=copy, check=False, env={"PYTHONPATH": str(copy)})
    assert done.returncode == 2
    assert "another version of ex01-shapes-and-counts" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2


def test_an_unreachable_scheduler_is_an_instructor_error(tmp_path, local_grades):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    done = grade(local_grades[0], tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{port}",
                 check=False)
    assert done.returncode == 2
    assert "cannot reach the dask scheduler" in done.stderr
    assert time.monotonic() - started < 90
    assert not (tmp_path / "out" / "grades.csv").exists()
