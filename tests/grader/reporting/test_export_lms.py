"""export-lms: one assignment's grades in the layouts Canvas's and Moodle's gradebooks
import, with every student in one list and not the other named, never dropped."""
import csv

from autograder.batch.outputs import ResultsWriter
from autograder.grading.results import SubmissionResult
from tests.support.commands import PYTHON, run

ASSIGNMENT = "ex01-shapes-and-counts"
CANVAS_ROSTER = [  # Canvas's gradebook export, with the course's student id added
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "student_id"],
    ["Lovelace, Ada", "101", "S001", "ada@uni.example", "Lab A", "alice"],
    ["Babbage, Charles", "102", "S002", "cb@uni.example", "Lab A", "bob"],
    ["Hopper, Grace", "103", "S003", "gh@uni.example", "Lab B", "carol"],
    ["Turing, Alan", "104", "S004", "at@uni.example", "Lab B", "erin"],
]


def result(student_id, status, score):
    return SubmissionResult(student_id, ASSIGNMENT, status, score, max_score=10.0,
                            message="" if status == "graded" else "grading was stopped after 600 s")


def graded_out(tmp_path):
    """An OUT_DIR as the grade command leaves it: alice 10, bob 4.5, carol timed out, and
    dave, whom the roster does not know."""
    out = tmp_path / "out"
    writer = ResultsWriter(out, ASSIGNMENT, "v1")
    for r in (result("alice", "graded", 10.0), result("bob", "graded", 4.5),
              result("carol", "timeout", 0.0), result("dave", "graded", 7.0)):
        writer.add(r)
    list(writer.finish())
    return out


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def export(out, roster, *options, check=True):
    return run([PYTHON, "-m", "autograder", "export-lms", str(out), "--roster", str(roster), *options],
               check=check)


def test_canvas_gets_its_gradebook_layout_with_blanks_and_lists(tmp_path):
    out = graded_out(tmp_path)
    done = export(out, write_csv(tmp_path / "roster.csv", CANVAS_ROSTER), "--format", "canvas",
                  "--column", "Exercise 1 (4242)")
    rows = read_csv(out / "lms-canvas.csv")
    # Canvas's import layout: its five identity columns, the assignment "Name (id)", and
    # the Points Possible row
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 1 (4242)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "10"]
    assert rows[2:] == [
        ["Lovelace, Ada", "101", "S001", "ada@uni.example", "Lab A", "10"],
        ["Babbage, Charles", "102", "S002", "cb@uni.example", "Lab A", "4.5"],
        ["Hopper, Grace", "103", "S003", "gh@uni.example", "Lab B", ""],   # a fault is no zero
        ["Turing, Alan", "104", "S004", "at@uni.example", "Lab B", ""],
    ]
    said = done.stdout
    assert "4 students written" in said
    assert "carol: timeout: grading was stopped after 600 s" in said
    assert "erin: no submission" in said
    assert "not in the roster" in said and "  dave" in said


def test_moodle_gets_an_identifier_and_a_grade_column(tmp_path):
    out = graded_out(tmp_path)
    roster = write_csv(tmp_path / "roster.csv", [
        ["First name", "Last name", "ID number", "Email address", "student_id"],
        ["Ada", "Lovelace", "S001", "ada@uni.example", "alice"],
        ["Charles", "Babbage", "S002", "cb@uni.example", "bob"],
        ["Alan", "Turing", "S004", "at@uni.example", "dave"]])
    export(out, roster, "--format", "moodle", "--output", str(tmp_path / "moodle.csv"))
    assert read_csv(tmp_path / "moodle.csv") == [
        ["Email address", ASSIGNMENT], ["ada@uni.example", "10"], ["cb@uni.example", "4.5"],
        ["at@uni.example", "7"]]
    export(out, roster, "--format", "moodle", "--lms-id", "ID number")
    assert read_csv(out / "lms-moodle.csv")[:2] == [["ID number", ASSIGNMENT], ["S001", "10"]]


def test_a_roster_that_cannot_be_used_is_said_in_one_line(tmp_path):
    out = graded_out(tmp_path)
    without = write_csv(tmp_path / "no-sis.csv", [["Student", "ID", "student_id"], ["Ada", "101", "alice"]])
    done = export(out, without, "--format", "canvas", check=False)
    assert done.returncode == 2
    assert "has no column 'SIS User ID', 'SIS Login ID', 'Section'" in done.stderr
    twice = write_csv(tmp_path / "twice.csv", CANVAS_ROSTER + [CANVAS_ROSTER[1]])
    done = export(out, twice, "--format", "canvas", check=False)
    assert done.returncode == 2 and "more than once: alice" in done.stderr
    good = write_csv(tmp_path / "roster.csv", CANVAS_ROSTER)
    done = export(tmp_path / "nowhere", good, "--format", "canvas", check=False)
    assert done.returncode == 2 and "holds no results.json" in done.stderr
    assert not (tmp_path / "nowhere" / "lms-canvas.csv").exists()


def test_canvas_own_gradebook_export_is_a_roster_as_it_is(tmp_path):
    """Canvas's export, with its rows of points and posting under the header and the other
    assignments' columns, and the course's id added: its own rows are not students, and
    the file gets one Points Possible row."""
    out = graded_out(tmp_path)
    exported = [CANVAS_ROSTER[0][:5] + ["Quiz 1 (4100)", "Current Score", "student_id"],
                ["    Manual Posting", "", "", "", "", "", "", ""],
                ["    Points Possible", "", "", "", "", "5", "(read only)", ""]]
    exported += [row[:5] + ["4", "80", row[5]] for row in CANVAS_ROSTER[1:]]
    done = export(out, write_csv(tmp_path / "canvas-export.csv", exported), "--format", "canvas")
    rows = read_csv(out / "lms-canvas.csv")
    assert [row[0] for row in rows] == ["Student", "    Points Possible", "Lovelace, Ada",
                                        "Babbage, Charles", "Hopper, Grace", "Turing, Alan"]
    assert "4 students written" in done.stdout and "  : no submission" not in done.stdout
