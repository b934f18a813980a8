"""A submission's result and its tests' results, as types, and the one place they become
JSON and back.

Grading one submission makes a SubmissionResult (worker.py); it travels from the grading
process to the coordinator as JSON (`to_json`), or pickled by dask; OUT_DIR/results.json
keeps it without its files (`entry`), and the class report and the LMS export read it
back from there (`from_entry`); the course's gradebook takes it, files and all, as it
arrives.
"""
import json
from dataclasses import asdict, dataclass, field

STATUSES = ("graded", "missing", "timeout", "error")


def number(value):
    """14.0 -> 14, 2.5 -> 2.5: scores as a person writes them."""
    return int(value) if float(value).is_integer() else round(float(value), 4)


@dataclass
class TestResult:
    """One test cell of one submission."""
    notebook: str
    grade_id: str
    points: float
    max_points: float
    passed: bool
    message: str = ""            # what the failing cell showed, as feedback shows it
    mistake: dict | None = None  # the known mistake the grader named: {"id", "name"}
    attempted: bool = True       # whether the answer cell it grades was changed

    __test__ = False   # not a pytest test class, for all its name

    def entry(self):
        return {"grade_id": self.grade_id, "notebook": self.notebook,
                "points": number(self.points), "max_points": number(self.max_points),
                "passed": self.passed, "message": self.message, "mistake": self.mistake,
                "attempted": self.attempted}

    @classmethod
    def from_entry(cls, entry):
        return cls(notebook=entry["notebook"], grade_id=entry["grade_id"],
                   points=entry["points"], max_points=entry["max_points"],
                   passed=entry["passed"], message=entry.get("message", ""),
                   mistake=entry.get("mistake"), attempted=entry.get("attempted", True))


@dataclass
class SubmissionResult:
    """What grading one submission found: its status (one of STATUSES), its score, why it
    was not graded (`message`), its tests, and the files it produced."""
    student_id: str
    assignment: str
    status: str
    score: float
    max_score: float
    message: str = ""
    tests: list[TestResult] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)  # answer cells left as released
    seconds: float | None = None             # the grading's wall time
    peak_memory_bytes: int | None = None     # the kernel's, where it could be measured
    submission_sha256: str | None = None     # of the submitted files (what --resume compares)
    # {file name: text}: the feedback pages, and the autograded notebooks with the files
    # nbgrader leaves beside them (for the course's gradebook); not kept in results.json
    feedback: dict[str, str] = field(default_factory=dict)
    autograded: dict[str, str] = field(default_factory=dict)

    @classmethod
    def ungraded(cls, plan, student_id, status, message=""):
        """A submission with no test run (yet): score 0 and why."""
        return cls(student_id, plan.assignment, status, 0.0, plan.max_score, message)

    def entry(self):
        """The result as results.json keeps it under its student id (without the files)."""
        return {
            "status": self.status,
            "score": number(self.score),
            "max_score": number(self.max_score),
            "message": self.message,
            "submission_sha256": self.submission_sha256,
            "seconds": self.seconds,
            "peak_memory_bytes": self.peak_memory_bytes,
            "not_attempted": list(self.not_attempted),
            "tests": [t.entry() for t in self.tests],
        }

    @classmethod
    def from_entry(cls, student_id, assignment, entry):
        return cls(student_id=student_id, assignment=assignment, status=entry["status"],
                   score=entry["score"], max_score=entry["max_score"],
                   message=entry.get("message", ""),
                   tests=[TestResult.from_entry(t) for t in entry.get("tests", [])],
                   not_attempted=entry.get("not_attempted", []), seconds=entry.get("seconds"),
                   peak_memory_bytes=entry.get("peak_memory_bytes"),
                   submission_sha256=entry.get("submission_sha256"))

    def to_json(self):
        """The whole result, files included (from a grading process to its parent)."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text, student_id, assignment):
        """The result a grading process handed back for `student_id`'s submission of
        `assignment`: those two are the caller's, never the text's, and a file whose name
        is not a plain file name (a path, "..") is dropped, as the files are written out
        under that name."""
        data = json.loads(text)
        data["tests"] = [TestResult(**t) for t in data["tests"]]
        for files in ("feedback", "autograded"):
            data[files] = {name: text for name, text in data[files].items() if _plain_name(name)}
        return cls(**{**data, "student_id": student_id, "assignment": assignment})


def _plain_name(name):
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name
