"""Find the students' submissions in a folder, in either supported layout:

    SUBMISSIONS_DIR/STUDENT_ID/NOTEBOOK.ipynb
    SUBMISSIONS_DIR/submitted/STUDENT_ID/ASSIGNMENT/NOTEBOOK.ipynb   (nbgrader's own)
"""
import hashlib
import os
import stat
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
    regular files with one link only. A symbolic link could point at anything on the
    grading machine, and so could a hard link (an unpacking tool can make one to a file
    only root may read); devices and FIFOs are no one's homework. Hidden files and
    __pycache__ are left out too."""
    found = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != "__pycache__"
                               and not os.path.islink(os.path.join(directory, d)))
        for name in names:
            path = os.path.join(directory, name)
            if not name.startswith(".") and _plain_file(os.lstat(path)):
                found.append(Path(os.path.relpath(path, folder)))
    return sorted(found)


def _plain_file(status):
    return stat.S_ISREG(status.st_mode) and status.st_nlink == 1


def read_student_file(folder, relative):
    """The bytes of one file `student_files` listed, read without following a link: a
    file that is no longer a plain file with one link reads as empty."""
    try:
        descriptor = os.open(Path(folder) / relative, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    with os.fdopen(descriptor, "rb") as file:
        return file.read() if _plain_file(os.fstat(file.fileno())) else b""


def copy_student_files(folder, dest, leave_out=None):
    """Copy a submission folder's files (see `student_files`) into `dest`, but for those
    whose name ends with `leave_out`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for relative in student_files(folder):
        if leave_out and relative.name.endswith(leave_out):
            continue
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        (dest / relative).write_bytes(read_student_file(folder, relative))


def content_hash(folder):
    """sha256 of what grading copies from a submission folder (names and bytes)."""
    digest = hashlib.sha256()
    for relative in student_files(folder):
        digest.update(str(relative).encode() + b"\0")
        digest.update(hashlib.sha256(read_student_file(folder, relative)).digest())
    return digest.hexdigest()
