"""Root's part of grading a submission, and how the grading process asks for it.

When the grader runs as root, the grading process drops to an unprivileged user before it
touches the student's files (process.py), and root keeps one job: starting the student's
kernel, which needs root for the cgroups and the sandbox. `KernelLauncher` does that job
over a socket, with the command prefix root chose (limits, sandbox, the kernel's user):
the grading process names only the kernel's own command, which then runs confined like
any student code. It also answers whether the kernel is alive, stops it, and takes the
grading's result back, so root reads nothing the grading process wrote on disk.

The grading process's side is `LaunchedKernel`, a stand-in for the kernel's Popen that
jupyter_client's LocalProvisioner drives unchanged (`RootLaunchedProvisioner`).
"""
import json
import os
import signal
import socket
import subprocess
import threading
import time

from jupyter_client.provisioning import LocalProvisioner

# the signals the grading may send its kernel (jupyter_client's kill, terminate, interrupt)
ALLOWED_SIGNALS = {signal.SIGKILL, signal.SIGTERM, signal.SIGINT}


def _send(stream, message):
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


class KernelLauncher:
    """Root's side: serve one grading process's requests until it closes the socket."""

    def __init__(self, connection, prefix, cwd):
        self.connection, self.prefix, self.cwd = connection, list(prefix), str(cwd)
        self.kernel = None   # the Popen of the kernel last started
        self.result = None   # what the grading process handed back at its end

    def serve(self):
        """Answer requests until the other side has gone; returns its result (or None)."""
        stream = self.connection.makefile("rwb")
        try:
            for line in stream:
                try:
                    request = json.loads(line)
                    reply = self._answer(request)
                except Exception as error:   # a bad request is refused, never obeyed
                    reply = {"error": f"{type(error).__name__}: {error}"}
                _send(stream, reply)
        except (OSError, ValueError):
            pass   # the grading process died
        finally:
            self.stop()
        return self.result

    def _answer(self, request):
        op = request.get("op")
        if op == "launch":
            argv = request["argv"]
            if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
                raise ValueError("argv must be a list of strings")
            self.stop()
            self.kernel = subprocess.Popen(self.prefix + argv, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                           start_new_session=True, close_fds=True)
            return {"pid": self.kernel.pid}
        if op == "poll":
            return {"returncode": self.kernel.poll() if self.kernel else 0}
        if op == "signal":
            signum = int(request["signum"])
            if signum not in ALLOWED_SIGNALS:
                raise ValueError(f"signal {signum} is not one the grading may send")
            if self.kernel is not None and self.kernel.poll() is None:
                try:   # its whole group: it was started in a session of its own
                    os.killpg(self.kernel.pid, signum)
                except ProcessLookupError:
                    pass
            return {}
        if op == "result":
            self.result = str(request["result"])
            return {}
        raise ValueError(f"unknown request {op!r}")

    def stop(self):
        if self.kernel is not None and self.kernel.poll() is None:
            try:
                os.killpg(self.kernel.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.kernel.wait()


class LauncherClient:
    """The grading process's end of the socket: one request at a time."""

    def __init__(self, fd):
        self._socket = socket.socket(fileno=fd)
        self._stream = self._socket.makefile("rwb")
        self._lock = threading.Lock()

    def ask(self, **request):
        with self._lock:
            _send(self._stream, request)
            line = self._stream.readline()
        if not line:
            raise OSError("root's kernel launcher has gone")
        reply = json.loads(line)
        if "error" in reply:
            raise OSError(f"root's kernel launcher refused: {reply['error']}")
        return reply

    def close(self):
        self._stream.close()
        self._socket.close()


_clients = {}


def client(fd):
    """The one LauncherClient of this process for the socket `fd`."""
    if fd not in _clients:
        _clients[fd] = LauncherClient(fd)
    return _clients[fd]


class LaunchedKernel:
    """What jupyter_client knows of a kernel process (Popen's poll, wait, signals), for a
    kernel that root started."""

    stdin = stdout = stderr = None

    def __init__(self, launcher, argv):
        self.launcher = launcher
        self.pid = launcher.ask(op="launch", argv=[str(a) for a in argv])["pid"]
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            self.returncode = self.launcher.ask(op="poll")["returncode"]
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum):
        self.launcher.ask(op="signal", signum=int(signum))

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class RootLaunchedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, with the kernel started by root's launcher.
    Signals go through the launcher too (no process group of its own to signal here)."""

    async def launch_kernel(self, cmd, **kwargs):
        self.process = LaunchedKernel(client(self.parent.launcher_fd), cmd)
        self.pid, self.pgid = self.process.pid, None
        self.cwd = kwargs.get("cwd")
        return self.connection_info
