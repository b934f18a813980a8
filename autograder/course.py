"""Where the course keeps its assignments, and how nbgrader is configured for a folder."""
import hashlib
import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

PACKAGE = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE.parent
SOURCE_DIR = REPO_ROOT / "solutions"
RELEASE_DIR = REPO_ROOT / "exercises"   # what students got: their answer cells' stubs
COURSE_CONFIG = Path(__file__).resolve().parent / "nbgrader_config.py"

# Libraries a student's kernel cannot import while these assignments are graded: their
# rules say numpy only (the sandbox replaces each with a package that refuses to import).
WITHHELD_LIBRARIES = {
    "ex02-conv-by-hand": ("torch", "scipy"),
    "ex03-backprop": ("torch", "scipy"),
    "ex05-normalisation": ("torch", "scipy"),
}


def withheld_message(name):
    """What importing a withheld library says (the grader names the mistake from it)."""
    return (f"{name!r} is not available in this exercise: the rules allow numpy only, so "
            "grading runs without it.")


def known_assignments():
    """Assignment folders under solutions/ that hold at least one notebook."""
    if not SOURCE_DIR.is_dir():
        return []
    return sorted(p.name for p in SOURCE_DIR.iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def nbgrader_config(course_root):
    """The course's nbgrader settings, for a course folder at `course_root`."""
    config = PyFileConfigLoader(COURSE_CONFIG.name, path=str(COURSE_CONFIG.parent)).load_config()
    config.merge(Config({"CourseDirectory": {"root": str(course_root)}}))
    return config


def ensure_tools_on_path():
    """nbgrader runs `alembic` as a command: make this interpreter's scripts findable."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def copy_assignment_source(assignment, course_root):
    """Copy solutions/ASSIGNMENT into a course folder (links become real files)."""
    dest = Path(course_root) / "solutions" / assignment
    shutil.copytree(SOURCE_DIR / assignment, dest, symlinks=False,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def _tree_files(folder):
    return sorted(p for p in Path(folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts
                  and ".ipynb_checkpoints" not in p.parts)


def assignment_version(assignment):
    """A digest of everything that decides this assignment's results: its source folder
    (tests, points, helpers), its released notebooks (what counts as not attempted) and
    the grader's own code. `--resume` keeps a result only when it is unchanged, and every
    machine of a cluster must agree on it."""
    digest = hashlib.sha256()
    for root in (SOURCE_DIR / assignment, RELEASE_DIR / assignment, PACKAGE):
        for path in _tree_files(root):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
