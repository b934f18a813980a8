"""CSV injection: a cell that a spreadsheet would read as a formula (a student id "=1+1",
a roster's name "=HYPERLINK(...)") is written with a ' before it in grades.csv,
similarity.csv and the Canvas and Moodle files, numbers stay numbers, and what reads the
grades back (export-lms, --resume) still finds those students by their own ids."""
import csv

import pytest

from tests.support.commands import PYTHON, run
from tests.support.samples import make_submission, solution_answers, total_points

ASSIGNMENT = "ex01-shapes-and-counts"
STUDENTS = ["=1+1", "@SUM(1,2)"]   # folders named as a spreadsheet formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def formulas(rows):
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """OUT_DIR of the two students, both right and alike (a similar pair)."""
    root = tmp_path_factory.mktemp("formulas")
    for student in STUDENTS:
        make_submission(ASSIGNMENT, root / "class" / student, solution_answers(ASSIGNMENT))
    command = [PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(root / "class"), "--out",
               str(root / "out"), "--jobs", "2", "--similarity", "0.8"]
    run(command)
    return root / "out", command


def test_text_that_starts_a_formula_is_quoted_and_numbers_are_not():
    from autograder.batch.outputs import csv_cell
    for text in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-", "=HYPERLINK(\"http://x\")"]:
        assert csv_cell(text) == "'" + text
    for kept in ["alice", "", "S001", "a=1", " =1", 14, 2.5, -1.5, "-1.5", "+3", "-2e3", "0.950"]:
        assert csv_cell(kept) == kept


def test_grades_and_similarity_csv_quote_formula_ids_and_resume_keeps_them(graded):
    out, command = graded
    grades = read_csv(out / "grades.csv")
    assert formulas(grades) == []
    points = str(total_points(ASSIGNMENT))
    assert [row[:5] for row in grades[1:]] == [
        ["'=1+1", ASSIGNMENT, points, points, "graded"], ["'@SUM(1,2)", ASSIGNMENT, points, points, "graded"]]
    similar = read_csv(out / "similarity.csv")
    assert similar[0] == ["first", "second", "score"] and formulas(similar) == []
    assert similar[1][:2] == ["'=1+1", "'@SUM(1,2)"] and float(similar[1][2]) >= 0.8
    # --resume finds both in results.json by their own ids, and grades nothing again
    before = (out / "grades.csv").read_text()
    again = run(command + ["--resume"])
    assert "(0 graded now, 2 kept from the earlier run)" in again.stdout
    assert (out / "grades.csv").read_text() == before


def test_export_lms_matches_formula_ids_and_quotes_every_formula_cell(graded, tmp_path):
    out, _ = graded
    roster = tmp_path / "roster.csv"
    with open(roster, "w", newline="") as f:
        csv.writer(f).writerows([
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Email address", "student_id"],
            ['=HYPERLINK("http://x","see")', "101", "S001", "ada@uni.example", "-Lab A",
             "ada@uni.example", "=1+1"],
            ["Babbage, Charles", "102", "+S002", "cb@uni.example", "Lab A", "@cb@uni.example",
             "@SUM(1,2)"]])
    points = str(total_points(ASSIGNMENT))
    canvas = run([PYTHON, "-m", "autograder", "export-lms", str(out), "--roster", str(roster),
                  "--format", "canvas", "--column", "=Exercise 1"])
    rows = read_csv(out / "lms-canvas.csv")
    assert formulas(rows) == []
    assert rows == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "'=Exercise 1"],
        ["    Points Possible", "", "", "", "", points],
        ["'=HYPERLINK(\"http://x\",\"see\")", "101", "S001", "ada@uni.example", "'-Lab A", points],
        ["Babbage, Charles", "102", "'+S002", "cb@uni.example", "Lab A", points],
    ]
    # both matched (a grade each, no one unmatched); the LMS id written quoted is named
    assert "2 students written" in canvas.stdout and "not in the roster" not in canvas.stdout
    assert "1 in the roster whose LMS identifier starts like a spreadsheet formula" in canvas.stdout
    assert "  @SUM(1,2)" in canvas.stdout

    moodle = run([PYTHON, "-m", "autograder", "export-lms", str(out), "--roster", str(roster),
                  "--format", "moodle"])
    assert read_csv(out / "lms-moodle.csv") == [
        ["Email address", ASSIGNMENT], ["ada@uni.example", points], ["'@cb@uni.example", points]]
    assert "  @SUM(1,2)" in moodle.stdout and "not in the roster" not in moodle.stdout
