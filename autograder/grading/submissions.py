"""Find the students' submissions in a folder, in either supported layout:

    SUBMISSIONS_DIR/STUDENT_ID/NOTEBOOK.ipynb
    SUBMISSIONS_DIR/submitted/STUDENT_ID/ASSIGNMENT/NOTEBOOK.ipynb   (nbgrader's own)
"""
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Submission:
    student_id: str
    folder: Path  # the folder that should hold the assignment's notebooks


def find_submissions(submissions_dir, assignment):
    base = Path(submissions_dir)
    if (base / "submitted").is_dir():
        base = base / "submitted"
    found = []
    for student in sorted(base.iterdir(), key=lambda p: p.name):
        if not student.is_dir() or student.name.startswith("."):
            continue
        nested = student / assignment
        found.append(Submission(student.name, nested if nested.is_dir() else student))
    return found


def student_files(folder):
    """The files of a submission folder that grading copies, as sorted relative paths:
    no links (a link could point at anything on the grading machine), no hidden files,
    no __pycache__."""
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != "__pycache__"
                               and not os.path.islink(os.path.join(directory, d)))
        for name in names:
            path = os.path.join(directory, name)
            if not name.startswith(".") and not os.path.islink(path) and os.path.isfile(path):
                found.append(Path(os.path.relpath(path, folder)))
    return sorted(found)


def content_hash(folder):
    """sha256 of what grading copies from a submission folder (names and bytes)."""
    digest = hashlib.sha256()
    for relative in student_files(folder):
        digest.update(str(relative).encode() + b"\0")
        digest.update(hashlib.sha256((Path(folder) / relative).read_bytes()).digest())
    return digest.hexdigest()
