"""A submission's result survives its two journeys unchanged: from the grading process to
its parent (JSON, files included), and through results.json (without the files)."""
from autograder.grading.plan import AssignmentPlan
from autograder.grading.results import SubmissionResult, TestResult

ASSIGNMENT = "ex01-shapes-and-counts"


def a_result():
    mistake = {"id": "output-size-not-floored", "name": "output size not floored"}
    return SubmissionResult(
        "zoë", ASSIGNMENT, "graded", 1.5, 14.0, not_attempted=["fc_params"], seconds=3.21,
        peak_memory_bytes=78_000_000, submission_sha256="ab" * 32,
        tests=[TestResult(ASSIGNMENT, "conv_output_size_examples", 0.5, 1.0, passed=False,
                          message="conv_output_size(5, 2) returned 2.5", mistake=mistake),
               TestResult(ASSIGNMENT, "fc_params_examples", 0.0, 1.0, passed=False, attempted=False)],
        feedback={f"{ASSIGNMENT}.html": "<p>é</p>"}, autograded={"timestamp.txt": "2026-11-29"})


def test_a_result_crosses_from_the_grading_process_whole():
    result = a_result()
    assert SubmissionResult.from_json(result.to_json(), "zoë", ASSIGNMENT) == result


def test_what_a_grading_process_hands_back_cannot_name_another_student_or_path():
    """The grading process runs as another user than its parent, which writes the files out
    under their names: the student and the assignment are the parent's, and a file name
    that is a path is dropped."""
    forged = a_result()
    forged.student_id = "someone else"
    forged.feedback = {**forged.feedback, "../../someone else/page.html": "x", "..": "x"}
    forged.autograded = {**forged.autograded, "/etc/cron.d/job": "x"}
    back = SubmissionResult.from_json(forged.to_json(), "zoë", ASSIGNMENT)
    assert back == a_result()


def test_results_json_keeps_everything_but_the_files_and_writes_scores_as_people_do():
    result = a_result()
    entry = result.entry()
    assert list(entry) == ["status", "score", "max_score", "message", "submission_sha256",
                           "seconds", "peak_memory_bytes", "not_attempted", "tests"]
    assert entry["max_score"] == 14 and isinstance(entry["max_score"], int)
    assert list(entry["tests"][0]) == ["grade_id", "notebook", "points", "max_points", "passed",
                                       "message", "mistake", "attempted"]
    back = SubmissionResult.from_entry("zoë", ASSIGNMENT, entry)
    assert back.feedback == {} and back.autograded == {}
    back.feedback, back.autograded = result.feedback, result.autograded
    assert back == result


def test_an_ungraded_result_has_the_plans_maximum_and_no_tests():
    plan = AssignmentPlan.read(ASSIGNMENT)
    result = SubmissionResult.ungraded(plan, "bob", "missing", "no notebook")
    assert (result.score, result.max_score, result.tests) == (0.0, plan.max_score, [])
    assert plan.max_score == sum(t.max_points for t in plan.tests) > 0
