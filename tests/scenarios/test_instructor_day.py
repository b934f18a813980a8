"""An instructor's day, from README alone: the commands of README's "For instructors"
section, read from README itself and run as written in a copy of the course, on two
submissions (one right, one with a sample mistake). Only the placeholders are filled in."""
import csv
import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from tests.support.commands import run, tracked_files
from tests.support.samples import REPO, make_submission, sample, solution_answers, points_by_test, total_points

ASSIGNMENT = "ex01-shapes-and-counts"
MISTAKE = "output_size_not_floored"
NBGRADER_EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name",
                           "first_name", "email", "raw_score", "late_submission_penalty",
                           "score", "max_score"]


def instructor_section():
    text = (REPO / "README.md").read_text()
    return text.split("## For instructors", 1)[1].split("\n## ", 1)[0]


def readme_commands():
    """Every command in the section's code blocks (indented by 4 spaces), comments dropped."""
    lines = [line[4:] for line in instructor_section().splitlines() if line.startswith("    ")]
    return [args for args in (shlex.split(line, comments=True) for line in lines) if args]


def test_readme_instructor_commands_work_as_written(course, tmp_path):
    commands = readme_commands()
    programs = [args[0] for args in commands]
    assert programs == ["make", "nbgrader", "nbgrader", "nbgrader", "python"], commands
    assert ASSIGNMENT in commands[0][-1] and ASSIGNMENT in commands[1]

    # `make release` needs the Makefile and the environment, which the course copy lacks;
    # the environment is linked, not rebuilt, so make must find it up to date
    for name in ("Makefile", "requirements.txt"):
        shutil.copy2(REPO / name, course / name)
    os.symlink(REPO / ".venv", course / ".venv")
    if run(["make", "-q", ".venv/installed"], cwd=course, check=False).returncode != 0:
        pytest.skip("the environment is older than requirements.txt: run `make` first")

    wrong, mistake = sample(ASSIGNMENT, MISTAKE)
    out = tmp_path / "batch"
    placeholders = {"SUBMISSIONS_DIR": ".", "OUT_DIR": str(out)}
    for args in commands:
        if args[:2] == ["nbgrader", "autograde"]:  # README: collect the submissions first
            submitted = course / "submitted"
            right = solution_answers(ASSIGNMENT)
            make_submission(ASSIGNMENT, submitted / "alice" / ASSIGNMENT, right)
            make_submission(ASSIGNMENT, submitted / "bob" / ASSIGNMENT, wrong)
        run([placeholders.get(arg, arg) for arg in args], cwd=course)

    total = total_points(ASSIGNMENT)
    lost = sum(points_by_test(ASSIGNMENT)[grade_id] for grade_id in mistake["LOST_TESTS"])
    expected = {"alice": total, "bob": total - lost}
    named = f"Likely mistake: {mistake['EXPECTED_MISTAKE']}."

    # nbgrader export
    with open(course / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == NBGRADER_EXPORT_COLUMNS
    assert {row["student_id"]: float(row["score"]) for row in rows} == expected
    assert {row["max_score"] for row in rows} == {str(float(total))}

    # nbgrader generate_feedback: feedback/STUDENT_ID/ASSIGNMENT/*.html, with each test's
    # name and score, and the failed tests' messages
    for student, score in expected.items():
        feedback = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
        assert f"(Score: {score:.1f} / {total:.1f})" in feedback
        assert all(grade_id in feedback for grade_id in mistake["LOST_TESTS"])
    assert named in feedback and "AssertionError: conv_output_size(32, 3)" in feedback

    # python -m autograder grade: the columns README names, one row per student
    columns = re.search(r"`grades\.csv`\s*\(`([^`]+)`", instructor_section()).group(1)
    lines = (out / "grades.csv").read_text().splitlines()
    assert lines[0] == columns
    assert sorted(lines[1:]) == [f"alice,{ASSIGNMENT},{total},{total},graded,",
                                 f"bob,{ASSIGNMENT},{expected['bob']},{total},graded,"]
    assert set(json.loads((out / "results.json").read_text())["students"]) == set(expected)
    assert named in (out / "feedback" / "bob" / f"{ASSIGNMENT}.html").read_text()
    assert (out / "feedback" / "alice" / f"{ASSIGNMENT}.html").is_file()
    report = (out / "report.html").read_text()
    assert mistake["EXPECTED_MISTAKE"] in report

    # nothing grading wrote into the course (student grades, notebooks, feedback) can be
    # committed by a careless `git add .`: the repository's .gitignore covers all of it
    written = written_files(course)
    assert "grades.csv" in written and "gradebook.db" in written
    assert not_ignored(written) == []


def written_files(course):
    """Files in the course copy that the repository does not track (the environment's
    link and the copied Makefile aside)."""
    tracked = set(tracked_files(".") or [])
    return sorted(str(path.relative_to(course)) for path in course.rglob("*")
                  if path.is_file() and path.relative_to(course).parts[0] != ".venv"
                  and str(path.relative_to(course)) not in tracked)


def not_ignored(paths):
    if tracked_files(".") is None:
        pytest.skip("not a git checkout: .gitignore cannot be checked")
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=REPO,
                             input="\n".join(paths), capture_output=True, text=True).stdout.split()
    return [path for path in paths if path not in ignored]
