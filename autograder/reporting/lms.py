"""One assignment's grades as a CSV file that an LMS gradebook imports (`export-lms`).

    python -m autograder export-lms OUT_DIR --roster ROSTER.csv --format canvas|moodle

The roster maps the student ids of the submissions (a column, `student_id` by default) to
the LMS's own identifiers; an LMS's gradebook export, with that column added, is one.

- **canvas**: Canvas's gradebook import layout, as its gradebook export writes it: the
  columns Student, ID, SIS User ID, SIS Login ID and Section (copied from the roster), then
  one column for the assignment, and a second row "Points Possible". Canvas matches
  students on ID / SIS User ID / SIS Login ID, and an assignment on the column's title:
  "Name (12345)" with the Canvas assignment's id updates that assignment, another title
  creates a new one (`--column`).
- **moodle**: Moodle's grade import from a CSV file: one column identifying the user (the
  roster column `--lms-id`, "Email address" by default; Moodle maps it to email,
  username or ID number on import), then one column for the grade item.

A cell is left blank, which both LMSs import as "no change", for a roster entry with no
graded submission (none handed in, or not graded because of a fault: a blank is never a
zero). Those entries and the submissions whose student is not in the roster are listed,
never dropped silently.

A cell that a spreadsheet would read as a formula is written with a ' before it
(outputs.csv_cell); where that is an identifier the LMS matches on, the LMS may not find
that student, so those entries are listed too.
"""
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch.outputs import RESULTS, csv_cell, csv_row, iter_results
from autograder.grading.results import number

CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_MATCHES_ON = ["ID", "SIS User ID", "SIS Login ID"]
# Canvas's export puts this, indented, in the Student column of the second row
CANVAS_POINTS_ROW = "    Points Possible"
FORMATS = ("canvas", "moodle")


class RosterError(Exception):
    """The roster or the results cannot make the file: said in one line."""


@dataclass
class Export:
    """What export-lms wrote, and who is in one list and not the other."""
    path: Path
    rows: int = 0
    no_grade: list = field(default_factory=list)       # in the roster, left blank: (id, why)
    not_in_roster: list = field(default_factory=list)  # graded or not, nowhere to go
    quoted: list = field(default_factory=list)   # in the roster, an LMS id written with a '


def _read_roster(path, id_column, needed):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:   # Excel's byte-order mark
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from None
    missing = [c for c in [id_column, *needed] if c not in columns]
    if missing:
        raise RosterError(f"the roster {path} has no column {', '.join(repr(c) for c in missing)} "
                          f"(its columns: {', '.join(columns) or 'none'})")
    # an LMS's own gradebook export has rows that are no student's, with no student id:
    # Canvas's indented "    Points Possible" (and "    Manual Posting") under its header
    rows = [row for row in rows
            if row[id_column].strip() or not (row[columns[0]] or "")[:1].isspace()]
    counts = Counter(row[id_column].strip() for row in rows)
    repeated = sorted(i for i, n in counts.items() if n > 1 and i)
    if repeated:
        raise RosterError(f"the roster {path} names these students more than once: {', '.join(repeated)}")
    return rows


def _results(out_dir):
    if not (Path(out_dir) / RESULTS).is_file():
        raise RosterError(f"{out_dir} holds no {RESULTS}: grade the assignment into it first")
    assignment, max_score, by_student = None, None, {}
    for result in iter_results(out_dir):
        assignment, max_score = result.assignment, result.max_score
        by_student[result.student_id] = result
    if assignment is None:
        raise RosterError(f"{out_dir}/{RESULTS} holds no results")
    return assignment, max_score, by_student


def export_lms(out_dir, roster, lms, output=None, id_column="student_id", column=None,
               lms_id="Email address"):
    """Write the LMS file (OUT_DIR/lms-FORMAT.csv by default); return an Export."""
    if lms not in FORMATS:
        raise RosterError(f"unknown format {lms!r} (known: {', '.join(FORMATS)})")
    needed = CANVAS_COLUMNS if lms == "canvas" else [lms_id]
    rows = _read_roster(roster, id_column, needed)
    assignment, max_score, results = _results(out_dir)
    title = column or assignment
    export = Export(Path(output) if output else Path(out_dir) / f"lms-{lms}.csv")
    matched_on = CANVAS_MATCHES_ON if lms == "canvas" else [lms_id]
    listed = set()
    with open(export.path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if lms == "canvas":
            writer.writerow(csv_row(CANVAS_COLUMNS + [title]))
            writer.writerow(csv_row([CANVAS_POINTS_ROW, "", "", "", "", number(max_score)]))
        else:
            writer.writerow(csv_row([lms_id, title]))
        for row in rows:
            student_id = row[id_column].strip()
            listed.add(student_id)
            result = results.get(student_id)
            if result is None:
                export.no_grade.append((student_id, "no submission"))
                grade = ""
            elif result.status != "graded":
                export.no_grade.append((student_id, f"{result.status}: {result.message}"))
                grade = ""
            else:
                grade = number(result.score)
            identity = [row[c] for c in CANVAS_COLUMNS] if lms == "canvas" else [row[lms_id]]
            writer.writerow(csv_row(identity + [grade]))
            if any(csv_cell(row[c]) != row[c] for c in matched_on):
                export.quoted.append(student_id)
            export.rows += 1
    export.not_in_roster = sorted(set(results) - listed)
    return export
