"""The standard nbgrader workflow, run from the course root exactly as README shows it,
for every assignment: release, autograde, feedback, export."""
import csv
import re

import pytest

from tests.support.commands import run
from tests.support.samples import (SAMPLES, make_submission, points_by_test, sample,
                                   solution_answers, total_points)

ASSIGNMENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def first_named_mistake(assignment):
    for path in sorted((SAMPLES / assignment).glob("*.py")):
        answers, expect = sample(assignment, path.stem)
        if expect["EXPECTED_MISTAKE"]:
            return answers, expect


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_autograde_feedback_export(assignment, course):
    run(["nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
    wrong, expect = first_named_mistake(assignment)
    make_submission(assignment, course / "submitted" / "alice" / assignment, solution_answers(assignment))
    make_submission(assignment, course / "submitted" / "bob" / assignment, wrong)

    autograde = run(["nbgrader", "autograde", assignment], cwd=course)
    # untouched submissions grade silently: nbgrader's "checksum has changed" for each
    # hidden test (its issue #1961) would drown a real tampering warning
    assert "has changed" not in autograde.stdout + autograde.stderr
    run(["nbgrader", "generate_feedback", assignment], cwd=course)
    run(["nbgrader", "export"], cwd=course)

    total = total_points(assignment)
    with open(course / "grades.csv", newline="") as f:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    assert scores["alice"] == total
    assert scores["bob"] < total

    feedback = (course / "feedback" / "bob" / assignment / f"{assignment}.html").read_text()
    assert f"Likely mistake: {expect['EXPECTED_MISTAKE']}." in feedback
    assert "BEGIN HIDDEN TESTS" not in feedback and "importlib.reload" not in feedback
    # the course's feedback page: each failed test named in the summary, maths as MathML
    for grade_id in expect["LOST_TESTS"]:
        assert re.search(rf'✗ Test\s*<a href="#{grade_id}"><code>{grade_id}</code></a>', feedback)
    assert "$$" not in feedback
    # a failed test shows its message, not the traceback through the test's code
    assert "most recent call last" not in feedback


def test_an_edited_test_cell_is_reported_and_graded_as_released(course):
    assignment = "ex01-shapes-and-counts"
    run(["nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
    tests = list(points_by_test(assignment))
    answers = {**solution_answers(assignment), tests[0]: "pass  # no test here"}
    make_submission(assignment, course / "submitted" / "mallory" / assignment, answers)
    wrong, _ = first_named_mistake(assignment)
    make_submission(assignment, course / "submitted" / "trudy" / assignment,
                    {**wrong, tests[0]: "pass  # no test here"})

    autograde = run(["nbgrader", "autograde", assignment], cwd=course)
    log = autograde.stdout + autograde.stderr
    for student in ("mallory", "trudy"):
        assert f"Student {student} changed locked cell {tests[0]} of {assignment}" in log
    assert log.count("has changed") == 2   # one edited cell each, nothing else
    run(["nbgrader", "export"], cwd=course)
    with open(course / "grades.csv", newline="") as f:
        scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(f)}
    assert scores["mallory"] == total_points(assignment)   # the original test was run
    assert scores["trudy"] < total_points(assignment)
