"""What the batch grader writes into OUT_DIR: grades.csv, results.json and the feedback
HTML, row by row as submissions finish (the class report is reporting/report.py's).

results.json is written as it grows, one student per line, so that an interrupted batch
leaves every finished result readable and `--resume` can tell what is done:

    {"assignment": "...", "assignment_version": "...", "students": {
    "alice": {...},
    "bob": {...}
    }}

Until the batch ends the closing line is missing; at the end both files are rewritten in
student order, so that a resumed batch leaves the same files as one that ran through.
"""
import csv
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

from autograder.grading.results import SubmissionResult

# the contract's five columns, then the answer cells (functions) left as released
GRADES_COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "not_attempted"]
RESULTS = "results.json"
GRADES = "grades.csv"

# A cell that starts with one of these is a formula to a spreadsheet (CSV injection): a
# student id "=HYPERLINK(...)" would run when the instructor opens the file
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value):
    """`value` as a CSV cell that a spreadsheet shows as written: text that it would read
    as a formula gets a ' before it (OWASP's advice, which spreadsheets hide); numbers,
    negative ones too, are left as they are. The files' readers here read results.json,
    never these cells, so an id like "=1+1" still matches itself."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values):
    return [csv_cell(value) for value in values]


def _header(assignment, version):
    return (json.dumps({"assignment": assignment, "assignment_version": version})[:-1]
            + ', "students": {\n')


def _read_header(line):
    """{"assignment", "assignment_version"} from results.json's first line, or None."""
    try:
        return json.loads(line.rstrip().removesuffix(', "students": {') + "}")
    except json.JSONDecodeError:
        return None


def _student_line(student_id, entry):
    return json.dumps({student_id: entry}, ensure_ascii=False)[1:-1]


def _grades_row(writer, student_id, assignment, entry):
    writer.writerow(csv_row([student_id, assignment, entry["score"], entry["max_score"],
                             entry["status"], " ".join(entry.get("not_attempted", []))]))


def _parse_line(line):
    """(student_id, entry) of one student's line of results.json; ValueError for any other
    line (the closing one, or one cut short by a crash)."""
    ((student_id, entry),) = json.loads("{" + line.rstrip().rstrip(",") + "}").items()
    return student_id, entry


def _entries(path):
    """(student_id, entry) of each complete line of a results.json, finished or not."""
    with open(path, encoding="utf-8") as f:
        f.readline()
        for line in f:
            try:
                yield _parse_line(line)
            except ValueError:   # json.JSONDecodeError is one
                continue


def earlier_results(out_dir, assignment, version):
    """{student_id: submission_sha256} of the results already in OUT_DIR/results.json for
    this assignment and version; {} when there are none or they are of another version."""
    path = Path(out_dir) / RESULTS
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        if _read_header(f.readline()) != {"assignment": assignment, "assignment_version": version}:
            return {}
    return {student_id: entry.get("submission_sha256") for student_id, entry in _entries(path)}


class ResultsWriter:
    """Appends each finished result to OUT_DIR (feedback first, then its results.json line,
    then its grades.csv row, each flushed), and rewrites both files in order at the end.

    Only student ids and file offsets stay in memory, so 5,000 students cost no more
    than 50. The files are created at the first result: a batch that stops before any
    (an instructor error) leaves OUT_DIR as it was.
    """

    def __init__(self, out_dir, assignment, version, kept=()):
        self.out = Path(out_dir)
        self.assignment = assignment
        self.version = version
        self.kept = set(kept)   # students whose earlier result --resume carries over
        self.count = 0                 # results added by this run
        self.statuses = Counter()      # of every row written, kept ones included
        self._results = self._grades = None

    def _open(self):
        self.out.mkdir(parents=True, exist_ok=True)
        earlier = self.out / (RESULTS + ".earlier")
        if self.kept:
            os.replace(self.out / RESULTS, earlier)
        self._results = open(self.out / RESULTS, "w", encoding="utf-8")
        self._grades = open(self.out / GRADES, "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._grades)
        self._results.write(_header(self.assignment, self.version))
        self._csv.writerow(GRADES_COLUMNS)
        self._written = 0
        if self.kept:   # copied a line at a time: the earlier results are never all in memory
            for student_id, entry in _entries(earlier):
                if student_id in self.kept:
                    self._append(student_id, entry)
            earlier.unlink()
        self.kept = set()

    def _append(self, student_id, entry):
        self._results.write(("" if self._written == 0 else ",\n") + _student_line(student_id, entry))
        _grades_row(self._csv, student_id, self.assignment, entry)
        self.statuses[entry["status"]] += 1
        self._results.flush()
        self._grades.flush()
        self._written += 1

    def add(self, result):
        """Write one finished SubmissionResult: its feedback files, then its rows."""
        if self._results is None:
            self._open()
        if result.feedback:
            folder = self.out / "feedback" / result.student_id
            shutil.rmtree(folder, ignore_errors=True)   # no page left from an earlier run
            folder.mkdir(parents=True)
            for name, text in result.feedback.items():
                (folder / name).write_text(text, encoding="utf-8")
        self._append(result.student_id, result.entry())
        self.count += 1

    def close(self):
        if self._results is not None:
            self._results.close()
            self._grades.close()

    def finish(self):
        """Close the files and rewrite them sorted by student id; return the
        SubmissionResults in that order, read back one at a time (for the class report)."""
        if self._results is None:
            self._open()
        self._results.write("\n}}\n")
        self.close()
        _sort(self.out, self.assignment, self.version)
        return iter_results(self.out)


def _sort(out, assignment, version):
    """Rewrite results.json and grades.csv in student order, from offsets, not a copy in
    memory; a student graded twice (never, but a crash between two writes) keeps the last."""
    path = out / RESULTS
    offsets = {}
    with open(path, "rb") as f:
        f.readline()
        while True:
            start = f.tell()
            line = f.readline()
            if not line or line.startswith(b"}}"):
                break
            offsets[_parse_line(line.decode("utf-8"))[0]] = (start, len(line))
    tmp_results, tmp_grades = out / (RESULTS + ".tmp"), out / (GRADES + ".tmp")
    with open(path, "rb") as source, open(tmp_results, "w", encoding="utf-8") as results, \
            open(tmp_grades, "w", newline="", encoding="utf-8") as grades:
        writer = csv.writer(grades)
        writer.writerow(GRADES_COLUMNS)
        results.write(_header(assignment, version))
        for index, student_id in enumerate(sorted(offsets)):
            start, length = offsets[student_id]
            source.seek(start)
            line = source.read(length).decode("utf-8")
            results.write(("" if index == 0 else ",\n") + line.rstrip().rstrip(","))
            _grades_row(writer, student_id, assignment, _parse_line(line)[1])
        results.write("\n}}\n")
    os.replace(tmp_grades, out / GRADES)
    os.replace(tmp_results, path)


def iter_results(out_dir):
    """Each SubmissionResult of a finished results.json, one at a time (without its files)."""
    path = Path(out_dir) / RESULTS
    with open(path, encoding="utf-8") as f:
        assignment = _read_header(f.readline())["assignment"]
    for student_id, entry in _entries(path):
        yield SubmissionResult.from_entry(student_id, assignment, entry)
