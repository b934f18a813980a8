"""Shared fixtures: where things are, and how to make a student's submission."""
import ast
import os
from html.parser import HTMLParser
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "submissions"
PYTHON = sys.executable
# nbgrader runs helper commands (alembic) from PATH: the test interpreter's scripts
ENV = {**os.environ, "PATH": os.path.dirname(PYTHON) + os.pathsep + os.environ.get("PATH", "")}


def run(args, cwd=REPO, check=True, timeout=600):
    """Run a command; on failure show its output in the test report."""
    done = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def strip_solution_markers(source):
    return "\n".join(line for line in source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def solution_answers(assignment):
    """grade_id -> the solution cell's code, as a student who got everything right wrote it."""
    path = REPO / "solutions" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: strip_solution_markers(cell.source)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def sample(assignment, name):
    """A sample submission under tests/submissions/: its functions and expectations.

    Each top-level function replaces the solution cell of the same name; module-level
    constants (EXPECTED_MISTAKE, ...) say what grading should find.
    """
    source = (SAMPLES / assignment / f"{name}.py").read_text()
    tree = ast.parse(source)
    functions = {node.name: ast.get_source_segment(source, node)
                 for node in tree.body if isinstance(node, ast.FunctionDef)}
    constants = {target.id: ast.literal_eval(node.value)
                 for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    return functions, constants


def make_submission(assignment, folder, answers=None):
    """Write the released notebook into `folder`, with `answers` (grade_id -> code)
    filled into the solution cells, the way a student saves their work."""
    released = REPO / "exercises" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    return folder / f"{assignment}.ipynb"


def points_of(assignment, function):
    """Points of the test cells that grade `function` (their grade_id starts with its name)."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return sum(cell.metadata["nbgrader"]["points"] for cell in nb.cells
               if cell.metadata.get("nbgrader", {}).get("grade")
               and cell.metadata["nbgrader"]["grade_id"].startswith(function + "_"))


@pytest.fixture
def course(tmp_path):
    """A copy of the course (config, grader, solutions, exercises) to run nbgrader in."""
    root = tmp_path / "course"
    root.mkdir()
    for name in ("nbgrader_config.py", "autograder", "solutions", "exercises"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, root / name)
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
