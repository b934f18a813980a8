"""Running commands from the tests, and the files a fresh clone has."""
import os
import subprocess
import sys

from tests.support.samples import REPO

PYTHON = sys.executable
# nbgrader runs helper commands (alembic) from PATH: the test interpreter's scripts
ENV = {**os.environ, "PATH": os.path.dirname(PYTHON) + os.pathsep + os.environ.get("PATH", "")}


def run(args, cwd=REPO, check=True, timeout=600, env=None):
    """Run a command (with `env` added to the environment); on failure show its output in
    the test report."""
    done = subprocess.run(args, cwd=cwd, env={**ENV, **(env or {})}, capture_output=True,
                          text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def tracked_files(name):
    """The files under `name` that a fresh clone has (git's index, as they are now in the
    working tree), or None outside a git checkout."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", name], cwd=REPO,
                                capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    return [path for path in listed.split("\0") if path and os.path.lexists(REPO / path)]
