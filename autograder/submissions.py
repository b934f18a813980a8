"""Find the students' submissions in a folder, in either supported layout:

    SUBMISSIONS_DIR/STUDENT_ID/NOTEBOOK.ipynb
    SUBMISSIONS_DIR/submitted/STUDENT_ID/ASSIGNMENT/NOTEBOOK.ipynb   (nbgrader's own)
"""
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
