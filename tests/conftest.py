"""Shared fixtures and helpers: running commands, a scratch copy of the course, and
what an HTML page loads. (Student submissions are made by samples.py.)"""
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from samples import REPO

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


@pytest.fixture
def course(tmp_path):
    """A copy of the course (config, grader, solutions, exercises) to run nbgrader in: a
    fresh clone's view of them, so that no untracked or stale file makes a test pass."""
    root = tmp_path / "course"
    root.mkdir()
    for name in ("nbgrader_config.py", "autograder", "solutions", "exercises"):
        tracked = tracked_files(name)
        if tracked is None:   # not a git checkout: copy what is there
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(src, root / name)
            continue
        for path in tracked:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            if os.path.islink(REPO / path):   # links stay links, as git checks them out
                os.symlink(os.readlink(REPO / path), root / path)
            else:
                shutil.copy2(REPO / path, root / path)
    return root


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loaded = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.loaded.append((tag, attrs["src"]))
        if tag == "link" and attrs.get("href"):
            self.loaded.append((tag, attrs["href"]))


def loaded_urls(html):
    """(tag, url) of everything a page makes the browser load: scripts, styles, images."""
    parser = _Resources()
    parser.feed(html)
    return parser.loaded


def is_external(url):
    return url.lower().startswith(("http://", "https://", "//", "ftp://"))
