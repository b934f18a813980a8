"""The standard nbgrader workflow, run from the course root exactly as README shows it."""
import csv

from conftest import run
from samples import make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"


def test_release_autograde_feedback_export(course):
    run(["nbgrader", "generate_assignment", ASSIGNMENT, "--force"], cwd=course)
    answers = solution_answers(ASSIGNMENT)
    wrong, expect = sample(ASSIGNMENT, "padding_counted_once")
    make_submission(ASSIGNMENT, course / "submitted" / "alice" / ASSIGNMENT, answers)
    make_submission(ASSIGNMENT, course / "submitted" / "bob" / ASSIGNMENT, wrong)

    run(["nbgrader", "autograde", ASSIGNMENT], cwd=course)
    run(["nbgrader", "generate_feedback", ASSIGNMENT], cwd=course)
    run(["nbgrader", "export"], cwd=course)

    with open(course / "grades.csv", newline="") as f:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    assert scores["alice"] == 14
    assert scores["bob"] < 14

    feedback = (course / "feedback" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert f"Likely mistake: {expect['EXPECTED_MISTAKE']}." in feedback
    assert "BEGIN HIDDEN TESTS" not in feedback and "torch_output_size" not in feedback
    # a failed test shows its message, not the traceback through the test's code
    assert "most recent call last" not in feedback
