"""The batch grader's results in the course's own nbgrader gradebook (`--gradebook`), laid
out as `nbgrader autograde` leaves them, so that the formgrader, manual grading,
`nbgrader export`, `generate_feedback` and `release_feedback` all work on top:

- the student, created when new, and one submission per student and assignment (a
  re-run updates it, never adds a second);
- each test cell's automatic score, saved by nbgrader's own SaveAutoGrades from the
  autograded notebook (so a manual score given in the formgrader is kept and flagged);
- the autograded notebooks in autograded/STUDENT/ASSIGNMENT/ and the feedback pages in
  feedback/STUDENT/ASSIGNMENT/, each with nbgrader's timestamp.txt and
  submission_secret.txt.

Only the coordinator writes here, one submission at a time: SQLite has one writer.
"""
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import SaveAutoGrades

from autograder.course import REPO_ROOT, nbgrader_config
from autograder.grading.worker import SUBMISSION_FILES


class GradebookError(Exception):
    """The gradebook cannot take the results: the instructor's problem, said at once."""


class GradebookWriter:
    """Writes each graded result into the gradebook of the course at `root`."""

    def __init__(self, assignment, notebooks, root=REPO_ROOT):
        self.assignment, self.notebooks = assignment, list(notebooks)
        self.config = nbgrader_config(root)
        self.coursedir = CourseDirectory(config=self.config)
        self.written = 0

    def __enter__(self):
        self._record_assignment()
        self._gradebook = Gradebook(self.coursedir.db_url, self.coursedir.course_id)
        return self

    def __exit__(self, *exc):
        self._gradebook.close()

    def _record_assignment(self):
        """The assignment's cells and points in the gradebook, as `nbgrader
        generate_assignment` records them; the released copy it makes goes to a temporary
        folder, so exercises/ is left alone."""
        with tempfile.TemporaryDirectory(prefix="gradebook-release-") as release:
            config = nbgrader_config(self.coursedir.root)
            config.CourseDirectory.release_directory = release
            done = NbGraderAPI(config=config).generate_assignment(self.assignment, force=True, create=True)
        if not done["success"]:
            last = (done.get("error") or done.get("log") or "no reason given").strip().splitlines()
            raise GradebookError(f"nbgrader could not record {self.assignment} in the gradebook "
                                 f"{self.coursedir.db_url}: {last[-1] if last else ''}")

    def _folder(self, kind, student_id):
        folder = Path(self.coursedir.format_path(kind, student_id, self.assignment))
        shutil.rmtree(folder, ignore_errors=True)   # nothing left of an earlier run
        folder.mkdir(parents=True)
        return folder

    def add(self, result):
        """Write one result; only graded ones have scores to write (True when written)."""
        if result.status != "graded":
            return False
        student_id, files = result.student_id, result.autograded
        autograded = self._folder(self.coursedir.autograded_directory, student_id)
        for name, text in files.items():
            (autograded / name).write_text(text, encoding="utf-8")
        feedback = self._folder(self.coursedir.feedback_directory, student_id)
        for name, text in result.feedback.items():
            (feedback / name).write_text(text, encoding="utf-8")
        for name in SUBMISSION_FILES:   # release_feedback reads them beside the pages
            if name in files:
                (feedback / name).write_text(files[name], encoding="utf-8")

        gradebook = self._gradebook
        gradebook.update_or_create_student(student_id)
        timestamp = files.get("timestamp.txt", "").strip()
        gradebook.update_or_create_submission(self.assignment, student_id,
                                              **({"timestamp": timestamp} if timestamp else {}))
        resources = {"assignment": self.assignment, "student": student_id,
                     "db_url": self.coursedir.db_url}
        for notebook in self.notebooks:
            if f"{notebook}.ipynb" in files:
                nb = nbformat.reads(files[f"{notebook}.ipynb"], as_version=4)
                SaveAutoGrades(config=self.config).preprocess(
                    nb, {"nbgrader": {**resources, "notebook": notebook}})
        self.written += 1
        return True
