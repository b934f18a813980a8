"""The `course` fixture: a scratch copy of the course. (Helpers for running commands,
reading pages and making student submissions are in tests/support/.)"""
import os
import shutil

import pytest

from tests.support.commands import tracked_files
from tests.support.samples import REPO


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
