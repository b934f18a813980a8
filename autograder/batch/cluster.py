"""Grade on the workers of an existing dask cluster: one task per submission.

The coordinator (this process) reads each submission's files and sends them with the
task; a worker grades them exactly as LocalPool does on one machine (a scratch course, a
forked grading process with the time limit, the student's kernel in its sandbox and
limits) and sends back the result with its feedback pages. Nothing is shared between
machines but the scheduler's address: every worker grades with its own checkout of the
course, and refuses to grade unless that checkout has the coordinator's assignment
version, so that a grade does not depend on the machine that made it.

The scheduler and the workers run in the course's environment, with the course's folder
on PYTHONPATH: dask's scheduler unpickles each task, and so imports this module.
A worker that cannot grade answers with plain data (a WorkerFault), and the coordinator
stops the batch with its line: the instructor's problem, not a zero.

Faults are dask's to handle: a task whose worker dies is run again on another worker,
and after the scheduler's `distributed.scheduler.allowed-failures` deaths (3 by default)
it fails with KilledWorker, and that submission gets status `error`.
"""
import atexit
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from autograder.grading import process
from autograder.grading.plan import AssignmentPlan
from autograder.grading.results import SubmissionResult
from autograder.grading.submissions import read_student_file, student_files

MAX_SUBMISSION_BYTES = 64 * 1024 ** 2  # what one task may carry to a worker


class ClusterError(Exception):
    """The cluster cannot grade (unreachable, no workers, a worker unfit): the instructor's
    problem, said in one line; results written so far stay, for --resume."""


class WorkerCannotGrade(Exception):
    """Raised on a worker that is not set up to grade (another course version, no
    sandbox, a kernel that cannot start)."""


@dataclass(frozen=True)
class WorkerIsolation:
    """How the coordinator asks every worker to confine its kernels; each worker makes its
    own Isolation from it, with its own paths, user and share of its cores."""
    sandbox: str
    memory_mb: int
    hidden: tuple[str, ...]   # the coordinator's folders, hidden where a worker has them too
    slots_by_host: dict[str, int] = field(default_factory=dict)   # grading slots per machine


@dataclass(frozen=True)
class WorkerFault:
    """What a grading task answers when its worker cannot grade: why, in one line."""
    reason: str


def _host(address):
    return urlparse(address).hostname or address


class ClusterPool:
    """Grades Jobs on the cluster whose scheduler is at `address`; same use as LocalPool."""

    def __init__(self, address, assignment, version, timeout, isolation):
        self.address, self.assignment, self.version = address, assignment, version
        self.timeout, self.isolation = timeout, isolation

    def __enter__(self):
        from distributed import Client  # imported here: local grading does not need dask
        try:
            self.client = Client(self.address, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"cannot reach the dask scheduler at {self.address}: {error}") from None
        try:
            self.client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            self.client.close()
            raise ClusterError(f"the dask scheduler at {self.address} has no workers "
                               "(start some with `dask worker`)") from None
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        slots_by_host = {}
        for address, info in workers.items():
            host = _host(address)
            slots_by_host[host] = slots_by_host.get(host, 0) + info["nthreads"]
        self.isolation = replace(self.isolation, slots_by_host=slots_by_host)
        self.slots = sum(slots_by_host.values())
        self.plan = AssignmentPlan.read(self.assignment)
        self._futures = []
        return self

    def __exit__(self, *exc):
        if self._futures:
            self.client.cancel(self._futures)
        self.client.close()

    def _submit(self, job):
        files = {}
        size = 0
        for relative in student_files(job.folder):
            size += os.lstat(Path(job.folder) / relative).st_size
            if size > MAX_SUBMISSION_BYTES:
                return None
            files[relative.as_posix()] = read_student_file(job.folder, relative)
        return self.client.submit(
            grade_task, self.assignment, self.version, job.student_id, files, self.isolation,
            self.timeout, key=f"grade-{job.sha256[:16]}-{job.student_id}", pure=False)

    def grade(self, jobs):
        """Grade each Job; yield its result as soon as it is done (in any order). At most
        two tasks per worker thread are in flight: the coordinator holds no more than that
        many submissions in memory, however large the class."""
        from distributed import as_completed
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        pending = iter(jobs)
        in_flight = as_completed(loop=self.client.loop)
        by_key = {}

        def fill():   # up to two tasks per worker thread; a submission too big to send is said at once
            while len(by_key) < 2 * self.slots:
                job = next(pending, None)
                if job is None:
                    return
                future = self._submit(job)
                if future is None:
                    yield self._too_big(job)
                    continue
                by_key[future.key] = job
                self._futures.append(future)
                in_flight.add(future)

        yield from fill()
        for future in in_flight:
            job = by_key.pop(future.key)
            self._futures.remove(future)
            try:
                result = future.result()
            except KilledWorker as error:
                result = SubmissionResult.ungraded(
                    self.plan, job.student_id, "error",
                    f"each of the {error.allowed_failures + 1} workers that graded this "
                    "submission died while grading it, so it was not graded")
            except FutureCancelledError:
                raise ClusterError("the cluster cancelled a grading task") from None
            except Exception as error:  # a fault of dask's, or of the grader on a worker
                raise ClusterError(f"grading {job.student_id} failed on the cluster: "
                                   f"{type(error).__name__}: {error}") from None
            if isinstance(result, WorkerFault):
                raise ClusterError(result.reason)
            yield result
            yield from fill()

    def _too_big(self, job):
        return SubmissionResult.ungraded(
            self.plan, job.student_id, "error",
            f"the submission is larger than {MAX_SUBMISSION_BYTES // 1024 ** 2} MB")


# ---- on the worker ----------------------------------------------------------------

_prepared = {}  # (assignment, version) -> (TemplateCourse, Isolation), once per worker process
_preparing = threading.Lock()


def _isolation(wanted, worker_address, local_directory):
    """The sandbox settings of this worker's kernels: the coordinator's choices, with this
    machine's own paths and user."""
    from autograder.grading.sandbox import Isolation, NoGradingUser, bwrap_path

    sandbox = wanted.sandbox
    if sandbox == "bwrap" and bwrap_path() is None:
        raise WorkerCannotGrade(f"worker {worker_address}: bubblewrap is not installed or "
                                "cannot run there (grading on a cluster needs it on every "
                                "worker, or --sandbox none)")
    # the coordinator's submissions and output folders, where this machine has them too
    hidden = [h for h in wanted.hidden if os.path.isdir(h)]
    hidden.append(local_directory)   # the dask worker's own folder
    slots = wanted.slots_by_host.get(_host(worker_address), 1)
    try:
        return Isolation.here(sandbox, wanted.memory_mb, hidden,
                              threads=max(1, (os.cpu_count() or 1) // slots))
    except NoGradingUser as error:
        raise WorkerCannotGrade(f"worker {worker_address}: {error}") from None


def _ready(assignment, version, wanted):
    """This worker's TemplateCourse and Isolation for the assignment, made at its first task."""
    from distributed import get_worker

    from autograder.batch.pool import KernelCannotStart, prepare_template_course, scratch_parent
    from autograder.course import REPO_ROOT, assignment_version, ensure_tools_on_path, known_assignments

    with _preparing:
        if (assignment, version) in _prepared:
            return _prepared[(assignment, version)]
        me = get_worker()
        mine = assignment_version(assignment) if assignment in known_assignments() else "none"
        if mine != version:
            raise WorkerCannotGrade(
                f"worker {me.address} has another version of {assignment} ({mine}, the "
                f"coordinator's is {version}): update the course at {REPO_ROOT} there")
        ensure_tools_on_path()
        isolation = _isolation(wanted, me.address, me.local_directory)
        work = tempfile.mkdtemp(prefix="autograde-worker-", dir=scratch_parent())
        atexit.register(shutil.rmtree, work, ignore_errors=True)
        try:
            template_course = prepare_template_course(assignment, work, isolation)
        except KernelCannotStart as error:
            raise WorkerCannotGrade(f"worker {me.address}: a student's kernel cannot start "
                                    f"in the {isolation.sandbox} sandbox: {error}") from None
        _prepared[(assignment, version)] = (template_course, isolation)
        return template_course, isolation


def grade_task(assignment, version, student_id, files, wanted, timeout):
    """The task a worker runs for one submission: its files in, its result out (or
    a WorkerFault: a fault of this worker, not of the submission)."""
    import socket
    import traceback

    from autograder.batch.pool import scratch_parent
    from autograder.grading.sandbox import open_to_grading_user

    try:
        template_course, isolation = _ready(assignment, version, wanted)
    except WorkerCannotGrade as error:
        return WorkerFault(str(error))
    except Exception:
        return WorkerFault(f"preparing {assignment} failed on "
                           f"{socket.gethostname()}:\n{traceback.format_exc()}")
    with tempfile.TemporaryDirectory(prefix="autograde-task-", dir=scratch_parent()) as scratch:
        open_to_grading_user(scratch, isolation)
        folder = Path(scratch) / "submission"
        for name, content in files.items():
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                raise ValueError(f"unsafe file name in a submission: {name!r}")
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(content)
        folder.mkdir(exist_ok=True)
        return process.grade_in_fork(student_id, folder, template_course,
                                     Path(scratch) / "grading", isolation, timeout)
