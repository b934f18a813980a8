"""Run a student's kernel with limits, and (with bubblewrap) in a sandbox.

Only the kernel runs the student's code, so only the kernel is confined; nbgrader, the
scratch gradebook and the results stay outside, out of its reach.

- Limits (Linux cgroups v1, when this process may create them; otherwise none):
  memory (the kernel is killed past it) and tasks (processes and threads: no fork bomb).
  Always: the size of any file it writes, and no core dumps.
- Environment: the kernel starts with only the variables Python needs (enter_limits.py),
  never the grader's own (tokens, passwords, keys).
- Sandbox (bubblewrap): a private mount namespace in which the notebook's folder is the
  only writable place that survives; /tmp, the home folder, the course, the submissions,
  the output folder and every other student's scratch folder are hidden behind empty
  temporary folders. No network (a private loopback only), no view of other processes,
  no capabilities. Libraries an exercise forbids are replaced by a package that refuses
  to import. The kernel talks to nbgrader over Unix sockets in a folder of its own.
- Users: when the grader runs as root, root only creates the cgroups and starts the
  kernel (launcher.py); the kernel runs as `nobody`, which owns only its own folders
  (KernelFolders), and everything else of the grading (nbgrader, the judge, the feedback,
  every file of the student's) runs as an unprivileged user of its own, GRADING_USER.
  Files only root may read (keys, /etc/shadow) stay unreadable to both, and a link the
  student's code leaves can only lead the grading to what that user may write.
"""
import contextlib
import functools
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode

from autograder.course import REPO_ROOT, withheld_message
from autograder.grading import privileges
from autograder.grading.submissions import copy_student_files

ENTER_LIMITS = Path(__file__).resolve().parent / "enter_limits.py"
CGROUP_ROOT = Path("/sys/fs/cgroup")
KERNEL_USER = "nobody"
GRADING_USER = "cnn-grader"   # created as a system user the first time root grades
DROP_PRIVILEGES = ["--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 2 * 1024 ** 3
    max_tasks: int = 256          # processes and threads; a kernel with torch uses ~30
    max_file_bytes: int = 256 * 1024 ** 2


@functools.lru_cache(maxsize=1)
def bwrap_path():
    """bubblewrap's path if it is installed and can build a sandbox here, else None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                            "--die-with-parent", "true"], capture_output=True)
    return path if probe.returncode == 0 else None


def kernel_user():
    """(uid, gid) the student's kernel runs as: `nobody` when the grader is root and can
    switch users (setpriv, from util-linux), else None (the kernel keeps the grader's user)."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    with contextlib.suppress(KeyError):
        entry = pwd.getpwnam(KERNEL_USER)
        return entry.pw_uid, entry.pw_gid
    return None


class NoGradingUser(Exception):
    """Root cannot have the unprivileged user it grades as: the instructor's problem."""


def grading_user():
    """(uid, gid) that grades when the grader is root: GRADING_USER, created as a system
    user (no home, no login) when it does not exist yet; None when not root."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(GRADING_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        made = subprocess.run([useradd, "--system", "--user-group", "--no-create-home",
                               "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
                               GRADING_USER], capture_output=True, text=True)
        try:
            entry = pwd.getpwnam(GRADING_USER)
        except KeyError:
            raise NoGradingUser(
                f"the grader runs as root and grades as the unprivileged user {GRADING_USER}, "
                f"which could not be created ({made.stderr.strip() or 'useradd failed'}): "
                f"create it (useradd --system {GRADING_USER})") from None
    return entry.pw_uid, entry.pw_gid


@dataclass(frozen=True)
class Isolation:
    """How a grading machine confines its students' kernels."""
    sandbox: str                  # "bwrap" or "none"
    limits: Limits
    hidden: tuple[str, ...]       # folders the sandbox covers with empty ones
    threads: int                  # each kernel's share of the cores
    user: tuple[int, int] | None  # (uid, gid) the kernel runs as; None: the grader's
    grader: tuple[int, int] | None = None  # (uid, gid) that grades, when root starts kernels

    @classmethod
    def here(cls, sandbox, memory_mb, hidden, threads):
        """This machine's settings: its temporary folder (other students' scratch courses),
        the home folder and the course are hidden as well as `hidden` (/tmp always is, see
        bwrap_command); as root, the kernel runs as `nobody` and the grading as
        GRADING_USER (NoGradingUser when it cannot)."""
        hidden = [tempfile.gettempdir(), os.path.expanduser("~"), REPO_ROOT, *hidden]
        user = kernel_user()
        return cls(sandbox, Limits(memory_bytes=memory_mb * 1024 ** 2),
                   tuple(str(h) for h in hidden), threads, user,
                   grading_user() if user is not None else None)


def open_to_grading_user(folder, isolation):
    """Let the grading user (and no other) pass through a folder of root's that holds
    scratch courses: temporary folders are made for their owner only. Without the
    sandbox, which otherwise makes the way to the kernel's folders passable for it, the
    kernel's user must pass too."""
    if isolation.grader is not None:
        os.chown(folder, 0, isolation.grader[1])
        os.chmod(folder, 0o750 if isolation.sandbox == "bwrap" else 0o751)


@dataclass(frozen=True)
class KernelFolders:
    """A kernel's own folders, apart from nbgrader's: `work`, its working folder (the
    assignment's helper files and the student's other files are copied in, the notebook
    never is, and nbgrader writes nothing there), and `ipc`, its sockets and connection
    file. With two users, both belong to the kernel's user and the grading user's group
    (set-group-id, so the sockets the kernel makes are the group's too): the grading can
    reach them, and nothing else of the grading's is the kernel's to touch."""
    work: Path
    ipc: Path

    @classmethod
    def make(cls, parent, isolation):
        folders = cls(Path(parent) / "kernel", Path(parent) / "ipc")
        for folder in (folders.work, folders.ipc):
            folder.mkdir()
            if isolation.grader is not None:
                os.chown(folder, isolation.user[0], isolation.grader[1])
                os.chmod(folder, 0o2770)
        return folders


def kernel_prefix(isolation, cgroups, folders, protected=(), withheld=()):
    """The command prefix that starts a student's kernel: in its limits and clean
    environment, in the sandbox (or not, with --sandbox none), as the kernel's user."""
    prefix = limits_command(isolation.limits, cgroups, isolation.threads)
    if isolation.sandbox == "bwrap":
        return prefix + bwrap_command([folders.work, folders.ipc], isolation.hidden, protected,
                                      withheld, isolation.user)
    return prefix + (_as_user(isolation.user) if isolation.user is not None else [])


def withheld_packages(names, stubs_folder):
    """(stub, package folder) pairs that make the packages `names` unimportable inside the
    sandbox: each installed package's folder is covered by a stub that raises ImportError,
    so that no spelling of the import (importlib, __import__, a copied path) reaches it."""
    pairs = []
    for name in names:
        spec = importlib.util.find_spec(name)  # a top-level name: finds without importing
        if spec is None or not spec.submodule_search_locations:
            continue
        stub = Path(stubs_folder) / name
        stub.mkdir(parents=True, exist_ok=True)
        (stub / "__init__.py").write_text(f"raise ImportError({withheld_message(name)!r})\n")
        for folder in spec.submodule_search_locations:
            pairs.append((str(stub), str(Path(folder).resolve())))
    return pairs


def _own_cgroup(controller):
    """This process's cgroup folder for a v1 controller, or None."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                folder = CGROUP_ROOT / controller / path.lstrip("/")
                if (folder / "cgroup.procs").exists():
                    return folder
    return None


def memory_limit_hit(memory_folder):
    """Whether the memory cgroup at `memory_folder` killed a process for using more memory
    than allowed (read by the grading, which has the folder's path, not the Cgroups)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in (Path(memory_folder) / "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                return True
    return False


class Cgroups:
    """A memory and a pids cgroup (v1) for one kernel; `available` is False where this
    process cannot create them (not root, or cgroups v2 only), and then nothing is done."""

    def __init__(self, name, limits):
        self.folders, self.limits = {}, limits
        memory, pids = _own_cgroup("memory"), _own_cgroup("pids")
        if memory is None or pids is None:
            return
        try:
            for controller, parent in (("memory", memory), ("pids", pids)):
                folder = parent / name
                folder.mkdir()
                self.folders[controller] = folder
            (self.folders["memory"] / "memory.limit_in_bytes").write_text(str(limits.memory_bytes))
            (self.folders["pids"] / "pids.max").write_text(str(limits.max_tasks))
        except OSError:
            self.remove()
            self.folders = {}

    @property
    def available(self):
        return bool(self.folders)

    def procs_files(self):
        return [str(folder / "cgroup.procs") for folder in self.folders.values()]

    def _read(self, controller, name):
        with contextlib.suppress(OSError, KeyError, ValueError):
            return (self.folders[controller] / name).read_text()
        return ""

    def memory_limit_hit(self):
        """Whether the kernel was killed for using more memory than allowed."""
        return "memory" in self.folders and memory_limit_hit(self.folders["memory"])

    def peak_memory_bytes(self):
        value = self._read("memory", "memory.max_usage_in_bytes").strip()
        return int(value) if value else None

    def remove(self):
        """Kill whatever is left in the groups, then delete them."""
        for folder in self.folders.values():
            with contextlib.suppress(OSError):
                for pid in (folder / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), 9)
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # processes still exiting
                    time.sleep(0.1)


def _enter_limits(*options):
    """The command prefix that runs enter_limits.py with `options`, then a clean environment."""
    return [sys.executable, "-I", "-S", str(ENTER_LIMITS), *options, "--clean-env", "--"]


def clean_environment_command():
    """The command prefix that starts a kernel with none of the grader's variables."""
    return _enter_limits()


def limits_command(limits, cgroups, threads):
    """The command prefix that enters the cgroups, sets the rlimits, cleans the environment
    and gives the numerical libraries `threads` threads. Its umask lets the grading user's
    group (see KernelFolders) reach the kernel's sockets."""
    options = [option for procs in cgroups.procs_files() for option in ("--cgroup-procs", procs)]
    options += ["--umask", "007"]
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        options += ["--setenv", f"{variable}={threads}"]
    # idle threads sleep: kernels share the cores
    options += ["--setenv", "OMP_WAIT_POLICY=PASSIVE"]
    return _enter_limits(*options, "--rlimit", f"fsize={limits.max_file_bytes}",
                         "--rlimit", "core=0")


def _python_folders():
    """What the kernel needs to read to start Python: the venv and the base install."""
    return privileges.python_folders()


def _passable_parents(folder):
    """Make the folders above a bound folder passable for the kernel's user: inside a
    hidden (temporary) folder, bubblewrap would otherwise copy their modes (0700 for a
    home or a temporary folder) and the kernel could not reach what is bound below."""
    options = []
    for parent in reversed(Path(folder).parents[:-1]):  # from the top, without "/"
        options += ["--perms", "0755", "--dir", str(parent)]
    return options


def bwrap_command(writable, hidden, protected=(), withheld=(), user=None):
    """The command prefix that starts bubblewrap: `writable` folders are bound read-write
    at the same paths, `hidden` folders are covered by empty temporary folders,
    `protected` files (inside a writable folder) stay read-only, `withheld` (stub, folder)
    pairs cover packages, and `user` (uid, gid) is who the command runs as."""
    command = [bwrap_path(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--tmpfs", "/dev/shm", "--perms", "1777", "--tmpfs", "/tmp"]
    for folder in sorted({str(Path(h).resolve()) for h in hidden} - {"/tmp"}, key=len):
        command += ["--tmpfs", folder]
    for folder in _python_folders():
        command += _passable_parents(folder) + ["--ro-bind", folder, folder]
    for stub, folder in withheld:
        command += ["--ro-bind", stub, folder]
    for folder in writable:
        folder = str(Path(folder).resolve())
        command += _passable_parents(folder) + ["--bind", folder, folder]
    for path in protected:
        path = str(Path(path).resolve())
        command += ["--ro-bind", path, path]
    # ipykernel exits when its parent looks gone: inside, its parent is bubblewrap, pid 1
    command += ["--setenv", "JPY_PARENT_PID", "1", "--setenv", "HOME", "/tmp"]
    command += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--chdir", str(Path(writable[0]).resolve())]
    if user is None:
        return command + ["--cap-drop", "ALL", "--"]
    # setpriv needs root's capabilities to switch user; switching drops them all
    return command + ["--", *_as_user(user)]


def _as_user(user):
    """The command prefix that runs what follows as `user` (uid, gid), with no group,
    capability or way back."""
    uid, gid = user
    return [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={gid}", *DROP_PRIVILEGES, "--"]


def fill_kernel_folder(build_folder, kernel_folder):
    """Copy what the kernel needs from nbgrader's folder for the notebook (the course's
    helper files, the student's other files) into the kernel's own folder: as a
    submission is copied (no link), and never the notebooks."""
    copy_student_files(build_folder, kernel_folder, leave_out=".ipynb")


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command starts with `command_prefix`, or whose kernel
    root starts (`launcher_fd`: the socket to root's launcher.KernelLauncher, which has a
    prefix of its own); with `kernel_folder`, the kernel works in that folder of its own
    instead of the one nbgrader writes the graded notebook into."""

    command_prefix = List([], help="argv put before the kernel's own command").tag(config=True)
    launcher_fd = Integer(-1, help="socket to root's kernel launcher (-1: start it here)"
                          ).tag(config=True)
    kernel_folder = Unicode("", help="the kernel's own working folder (empty: nbgrader's)"
                            ).tag(config=True)

    def format_kernel_cmd(self, extra_arguments=None):
        prefix = [] if self.launcher_fd >= 0 else list(self.command_prefix)
        return prefix + super().format_kernel_cmd(extra_arguments)

    async def _async_pre_start_kernel(self, **kw):
        if self.kernel_folder:
            if kw.get("cwd"):
                fill_kernel_folder(kw["cwd"], self.kernel_folder)
            kw["cwd"] = self.kernel_folder
        if self.launcher_fd >= 0 and self.provisioner is None:
            from autograder.grading.launcher import RootLaunchedProvisioner
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = RootLaunchedProvisioner(kernel_id=self.kernel_id,
                                                       kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel   # as AsyncKernelManager names its methods

    def write_connection_file(self, **kwargs):
        """The kernel's user, another than this process's, must read the connection file
        (written for this process's user only); its folder is closed to everyone else."""
        super().write_connection_file(**kwargs)
        if self.launcher_fd >= 0:
            os.chmod(self.connection_file, 0o644)

    async def _async_interrupt_kernel(self):
        """Interrupt by a message on the control channel, which the kernel turns into
        SIGINT for itself: a signal from here would reach only the sandbox around it (or
        not be this process's to send), and the kernel would die instead of stopping
        the cell."""
        if self.has_kernel:
            message = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, message)

    interrupt_kernel = _async_interrupt_kernel
