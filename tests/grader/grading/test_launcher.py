"""Root's kernel launcher starts only its own prefix before what the grading asks for,
sends only the signals jupyter_client needs, and hands back the grading's result."""
import signal
import socket
import sys
import threading

import pytest

from autograder.grading.launcher import KernelLauncher, LaunchedKernel, LauncherClient


@pytest.fixture
def launcher(tmp_path):
    ours, theirs = socket.socketpair()
    served = KernelLauncher(ours, [sys.executable, "-c", "import sys; open(sys.argv[1], 'w').write('prefix ran'); "
                                   "import os; os.execvp(sys.argv[2], sys.argv[2:])",
                                   str(tmp_path / "mark")], tmp_path)
    handed_back = []
    thread = threading.Thread(target=lambda: handed_back.append(served.serve()))
    thread.start()
    client = LauncherClient(theirs.detach())
    yield client, tmp_path, handed_back
    client.close()
    thread.join(timeout=10)


def test_the_kernel_runs_behind_roots_prefix_and_stops_on_request(launcher):
    client, folder, _ = launcher
    kernel = LaunchedKernel(client, ["sleep", "30"])
    for _ in range(200):   # the prefix has run once the command is there
        if (folder / "mark").exists():
            break
        threading.Event().wait(0.05)
    assert kernel.poll() is None
    kernel.kill()
    assert kernel.wait(timeout=10) == -signal.SIGKILL
    assert (folder / "mark").read_text() == "prefix ran"


@pytest.mark.parametrize("request_", [
    {"op": "launch", "argv": "sleep 30"},
    {"op": "launch", "argv": []},
    {"op": "signal", "signum": int(signal.SIGSTOP)},
    {"op": "chmod", "path": "/etc/shadow"},
])
def test_anything_else_is_refused(launcher, request_):
    client, _, _ = launcher
    with pytest.raises(OSError, match="refused"):
        client.ask(**request_)


def test_the_result_comes_back_over_the_socket(launcher):
    client, _, handed_back = launcher
    client.ask(op="result", result='{"status": "graded"}')
    client.close()
    for _ in range(100):
        if handed_back:
            break
        threading.Event().wait(0.05)
    assert handed_back == ['{"status": "graded"}']
