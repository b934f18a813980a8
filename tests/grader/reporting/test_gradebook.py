"""The batch grader's results in the course's own nbgrader gradebook (--gradebook): the
scores per test cell, the autograded notebooks and the feedback, where the formgrader,
manual grading, `nbgrader export` and the feedback commands find them."""
import csv
import json

from nbgrader.api import Gradebook

from tests.support.commands import PYTHON, run
from tests.support.samples import make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"
NOTEBOOK = ASSIGNMENT


def submit(folder, answers=None):
    """A submission as `nbgrader submit` hands it in: the notebook, its time, and the
    secret that names its feedback in the exchange."""
    make_submission(ASSIGNMENT, folder, answers)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text(f"secret of {folder.name}")


def grade_into_gradebook(course, submissions, out):
    return run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(submissions), "--out", str(out),
                "--jobs", "2", "--gradebook"], cwd=course)


def exported(course):
    """nbgrader export's grades.csv: {student_id: row} for the assignment."""
    run(["nbgrader", "export"], cwd=course)
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == ASSIGNMENT}


def cell_scores(course, student_id):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student_id)
        return {grade.name: grade.score for grade in notebook.grades}


def test_graded_submissions_land_in_the_gradebook_for_formgrader_export_and_feedback(course, tmp_path):
    # nbgrader's own layout, where `nbgrader collect` puts submissions
    wrong, _ = sample(ASSIGNMENT, "output_size_not_floored")
    submit(course / "submitted" / "alice" / ASSIGNMENT, solution_answers(ASSIGNMENT))
    submit(course / "submitted" / "bob" / ASSIGNMENT, wrong)
    done = grade_into_gradebook(course, course / "submitted", tmp_path / "out")
    assert "2 graded now written into the gradebook" in done.stdout, done.stdout
    # and the batch grader's own layout, STUDENT/NOTEBOOK.ipynb
    submit(tmp_path / "flat" / "carol")
    grade_into_gradebook(course, tmp_path / "flat", tmp_path / "out-flat")

    results = {**json.loads((tmp_path / "out" / "results.json").read_text())["students"],
               **json.loads((tmp_path / "out-flat" / "results.json").read_text())["students"]}
    for student_id in ("alice", "bob", "carol"):   # every test cell's score, as graded
        assert cell_scores(course, student_id) == {
            t["grade_id"]: t["points"] for t in results[student_id]["tests"]}, student_id
        assert (course / "autograded" / student_id / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()
        feedback = course / "feedback" / student_id / ASSIGNMENT
        assert (feedback / f"{NOTEBOOK}.html").read_text() == \
            (tmp_path / ("out-flat" if student_id == "carol" else "out") / "feedback" / student_id
             / f"{NOTEBOOK}.html").read_text()
        assert (feedback / "timestamp.txt").is_file() and (feedback / "submission_secret.txt").is_file()

    rows = exported(course)
    assert {s: float(rows[s]["raw_score"]) for s in rows} == {
        s: float(results[s]["score"]) for s in ("alice", "bob", "carol")}
    assert float(rows["alice"]["max_score"]) == results["alice"]["max_score"]

    # the formgrader's view of the class (nbgrader's own API behind its pages)
    from nbgrader.apps import NbGraderAPI
    from autograder.course import nbgrader_config
    api = NbGraderAPI(config=nbgrader_config(course))
    listed = {s["student"]: s for s in api.get_submissions(ASSIGNMENT)}
    assert {s: listed[s]["score"] for s in ("alice", "bob", "carol")} == {
        s: results[s]["score"] for s in ("alice", "bob", "carol")}

    # manual grading on top: a grader gives bob a point by hand; a re-run of the batch
    # replaces his automatic scores, keeps the manual one, and adds no second submission
    failed = next(t for t in results["bob"]["tests"] if not t["passed"])
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(failed["grade_id"], NOTEBOOK, ASSIGNMENT, "bob")
        grade.manual_score = failed["max_points"]
        gradebook.db.commit()
    grade_into_gradebook(course, course / "submitted", tmp_path / "out-again")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert len(gradebook.find_student("bob").submissions) == 1
        grade = gradebook.find_grade(failed["grade_id"], NOTEBOOK, ASSIGNMENT, "bob")
        assert grade.score == failed["max_points"] and grade.needs_manual_grade
        assert sorted(s.id for s in gradebook.students) == ["alice", "bob", "carol"]
    assert float(exported(course)["bob"]["raw_score"]) == results["bob"]["score"] + failed["max_points"] - failed["points"]

    # nbgrader's feedback commands take it from there
    (tmp_path / "exchange").mkdir()
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    run(["nbgrader", "generate_feedback", ASSIGNMENT], cwd=course)
    released = run(["nbgrader", "release_feedback", ASSIGNMENT], cwd=course)
    assert released.stderr.count("Releasing feedback for student") == 3, released.stderr
