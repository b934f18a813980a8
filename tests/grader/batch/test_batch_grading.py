"""`python -m autograder grade` on a class of sample submissions for each assignment: the
solution, the released notebook, one submission per named mistake, and broken ones."""
import csv
import json
import re
import shutil
import subprocess
import time
from html import escape as html_escape

import psutil
import pytest

from autograder.grading.sandbox import bwrap_path
from tests.support.browser import chromium, serve
from tests.support.commands import ENV, PYTHON, run
from tests.support.pages import is_external, loaded_urls
from tests.support.samples import (REPO, SAMPLES, make_submission, points_by_test, points_of,
                                   sample, solution_answers, total_points)

ASSIGNMENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
MISTAKES = [(a, p.stem) for a in ASSIGNMENTS for p in sorted((SAMPLES / a).glob("*.py"))]
HIDDEN_CODE = ["BEGIN HIDDEN TESTS", "importlib.reload", "rng = ", "reference("]
ASSIGNMENT = "ex01-shapes-and-counts"  # the broken-submission cases use this one
_GRADED = {}


def grade(assignment, submissions, out, *extra):
    return run([PYTHON, "-m", "autograder", "grade", assignment, str(submissions),
                "--out", str(out), "--jobs", "2", "--timeout", "300", *extra])


def make_class(assignment, folder):
    answers = solution_answers(assignment)
    make_submission(assignment, folder / "solution", answers)
    make_submission(assignment, folder / "released")
    for name in sorted(p.stem for p in (SAMPLES / assignment).glob("*.py")):
        make_submission(assignment, folder / name, sample(assignment, name)[0])
    if assignment == ASSIGNMENT:
        notebook = f"{assignment}.ipynb"
        (folder / "not json").mkdir()
        (folder / "not json" / notebook).write_text("{ this is not a notebook")
        (folder / "nothing handed in").mkdir()
        (folder / "wrong name").mkdir()
        shutil.copy(folder / "solution" / notebook, folder / "wrong name" / "homework.ipynb")


def graded_class(assignment, tmp_path_factory):
    """Grade the assignment's sample class once; every test reads the same results."""
    if assignment not in _GRADED:
        folder = tmp_path_factory.mktemp(f"class-{assignment}")
        out = tmp_path_factory.mktemp(f"out-{assignment}")
        make_class(assignment, folder)
        done = grade(assignment, folder, out)
        results = json.loads((out / "results.json").read_text())
        with open(out / "grades.csv", newline="") as f:
            rows = {row["student_id"]: row for row in csv.DictReader(f)}
        _GRADED[assignment] = (out, results, rows, done, folder)
    return _GRADED[assignment]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return graded_class(ASSIGNMENT, tmp_path_factory)[:4]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    return graded_class(ASSIGNMENT, tmp_path_factory)[4]


def test_grades_csv_has_a_row_per_student_with_the_contract_columns(graded, submissions):
    out, _, rows, done = graded
    assert done.returncode == 0
    header = (out / "grades.csv").read_text().splitlines()[0]
    # the contract's five columns first, then the answer cells left as released
    assert header == "student_id,assignment,score,max_score,status,not_attempted"
    assert set(rows) == {p.name for p in submissions.iterdir()}
    assert {row["max_score"] for row in rows.values()} == {str(total_points(ASSIGNMENT))}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks_and_released_notebook_scores_zero(assignment, tmp_path_factory):
    _, results, rows, _, _ = graded_class(assignment, tmp_path_factory)
    full = str(total_points(assignment))
    assert (rows["solution"]["score"], rows["solution"]["status"]) == (full, "graded")
    assert (rows["released"]["score"], rows["released"]["status"]) == ("0", "graded")
    for test in results["students"]["released"]["tests"]:
        assert "not written yet" in test["message"], test
    # a blank notebook is told from wrong attempts: every answer cell not attempted
    answer_cells = list(solution_answers(assignment))
    assert rows["released"]["not_attempted"].split() == answer_cells
    assert rows["solution"]["not_attempted"] == ""
    assert not any(t["attempted"] for t in results["students"]["released"]["tests"])
    assert all(t["attempted"] for t in results["students"]["solution"]["tests"])


def test_broken_submissions_get_a_status_and_a_reason(graded):
    _, results, rows, _ = graded
    assert rows["not json"]["status"] == "error"
    assert "not a valid notebook" in results["students"]["not json"]["message"]
    assert rows["nothing handed in"]["status"] == "missing"
    assert rows["wrong name"]["status"] == "missing"
    assert "homework.ipynb" in results["students"]["wrong name"]["message"]


@pytest.mark.parametrize("assignment, name", MISTAKES)
def test_a_named_mistake_loses_its_tests_and_the_feedback_names_it(assignment, name, tmp_path_factory):
    out, results, rows, _, _ = graded_class(assignment, tmp_path_factory)
    _, expect = sample(assignment, name)
    student = results["students"][name]
    failed = [t for t in student["tests"] if not t["passed"]]
    assert sorted(t["grade_id"] for t in failed) == sorted(expect["LOST_TESTS"])
    lost = sum(t["max_points"] - t["points"] for t in failed)
    assert float(rows[name]["score"]) == total_points(assignment) - lost
    for t in failed:  # the message says on which input, and what came back or was raised
        assert "(" in t["message"] and ("expected" in t["message"] or " raised " in t["message"]), t["message"]
    html = (out / "feedback" / name / f"{assignment}.html").read_text()
    for code in HIDDEN_CODE:
        assert code not in html
    # a mistake is named only where it is the sample's own: never a wrong name
    names = {t["mistake"]["name"] for t in failed if t["mistake"]}
    assert names == ({expect["EXPECTED_MISTAKE"]} if expect["EXPECTED_MISTAKE"] else set())
    if expect["EXPECTED_MISTAKE"]:
        named = f"Likely mistake: {expect['EXPECTED_MISTAKE']}."
        assert any(named in t["message"] for t in failed), [t["message"] for t in failed]
        assert named in html
        # the class report counts it exactly: one student per sample that makes it
        makers = sum(sample(assignment, p.stem)[1]["EXPECTED_MISTAKE"] == expect["EXPECTED_MISTAKE"]
                     for p in (SAMPLES / assignment).glob("*.py"))
        row = f'<td>{html_escape(expect["EXPECTED_MISTAKE"])}</td><td class="num">{makers}</td>'
        assert row in (out / "report.html").read_text()


def test_a_model_built_with_a_failing_function_names_that_function_as_the_first_fix(tmp_path_factory):
    """A LeNet5 or a train_epoch that fails its own tests makes the trained model fail too:
    the feedback names that function as the fix, not more epochs; a model that only cheated
    its way to the test digits is still told to train better."""
    _, results, _, _, _ = graded_class("ex04-cnn-in-pytorch", tmp_path_factory)
    students = results["students"]
    for name, function in [("train_epoch_forgot_zero_grad", "train_epoch"),
                           ("lenet5_flatten_size_wrong", "LeNet5")]:
        for test in students[name]["tests"]:
            if test["grade_id"].startswith("training_"):
                assert f"Fix `{function}` first" in test["message"], test
                assert "more epochs" not in test["message"], test
    [memorised] = [t for t in students["cheat_memorises_every_digit"]["tests"] if not t["passed"]]
    assert "more epochs" in memorised["message"] and "first" not in memorised["message"]


def test_an_answer_left_as_released_is_not_attempted_and_the_report_says_so(tmp_path):
    """One function written wrong, another left as released: the report and grades.csv
    tell the wrong attempt from the one not attempted."""
    wrong, expect = sample(ASSIGNMENT, "output_size_not_floored")
    answers = {**wrong}
    del answers["receptive_field"]   # left as released
    make_submission(ASSIGNMENT, tmp_path / "class" / "carol", answers)
    grade(ASSIGNMENT, tmp_path / "class", tmp_path / "out")
    with open(tmp_path / "out" / "grades.csv", newline="") as f:
        (row,) = csv.DictReader(f)
    assert row["not_attempted"] == "receptive_field"
    tests = json.loads((tmp_path / "out" / "results.json").read_text())["students"]["carol"]["tests"]
    skipped = {t["grade_id"] for t in tests if not t["attempted"]}
    assert skipped == {t for t in points_by_test(ASSIGNMENT) if t.startswith("receptive_field_")}
    wrong_attempts = {t["grade_id"] for t in tests if t["attempted"] and not t["passed"]}
    assert wrong_attempts == set(expect["LOST_TESTS"])
    report = (tmp_path / "out" / "report.html").read_text()
    def counts(grade_id):   # per test: attempted and wrong, then not attempted
        return re.search(rf'<td>{grade_id}</td><td class="num">[0-9.]+</td>'
                         r'<td class="num">(\d+) / 1</td><td class="num">(\d+) / 1</td>', report).groups()
    assert {grade_id: counts(grade_id) for grade_id in skipped | wrong_attempts} == {
        **{grade_id: ("0", "1") for grade_id in skipped},
        **{grade_id: ("1", "0") for grade_id in wrong_attempts}}


def test_one_wrong_function_loses_exactly_that_functions_points(graded):
    _, _, rows, _ = graded
    assert float(rows["output_size_not_floored"]["score"]) == (
        total_points(ASSIGNMENT) - points_of(ASSIGNMENT, "conv_output_size"))


def test_feedback_loads_nothing_from_outside(graded):
    out, _, _, _ = graded
    for page in (out / "feedback").rglob("*.html"):
        external = [url for _, url in loaded_urls(page.read_text()) if is_external(url)]
        assert not external, f"{page.name} loads {external}"


def test_feedback_names_each_test_wraps_its_messages_and_draws_its_maths(graded):
    out, results, _, _ = graded
    student = "output_size_not_floored"
    page = out / "feedback" / student / f"{ASSIGNMENT}.html"
    html = page.read_text()
    assert "$" not in html.split("<body", 1)[1]   # no raw TeX: maths is MathML
    assert len(html) < 400_000                    # self-contained and still light
    with chromium() as context, serve(page.parent) as url:
        browser = context.new_page()
        browser.goto(url + page.name)
        summary = browser.locator("#toc li").all_inner_texts()
        expected = [f"{'✓' if t['passed'] else '✗'} Test {t['grade_id']} "
                    f"(Score: {float(t['points'])} / {float(t['max_points'])})"
                    for t in results["students"][student]["tests"]]
        assert [" ".join(line.split()) for line in summary] == expected
        formulas = browser.locator("math")
        assert formulas.count() > 5
        assert all(box["width"] > 0 for box in
                   (formulas.nth(i).bounding_box() for i in range(formulas.count())))
        # every message is wholly visible: none runs past its box's right edge
        messages = browser.locator("div.output_area pre")
        assert messages.count() > 0
        assert browser.evaluate("""() => [...document.querySelectorAll('div.output_area pre')]
            .every(pre => pre.scrollWidth <= pre.clientWidth)""")
        assert context.blocked == []


def test_class_report_is_self_contained(graded):
    out, _, _, _ = graded
    report = (out / "report.html").read_text()
    assert "data:image/png;base64," in report
    assert "<script" not in report and "http://" not in report and "https://" not in report
    assert "output size not floored" in report          # a diagnosed mistake is counted
    assert "conv_output_size_vs_torch" in report        # each test's failure rate
    assert "nothing handed in" in report                # submissions not graded are listed


def test_grading_the_same_folder_twice_gives_identical_results(graded, submissions, tmp_path):
    out, _, _, _ = graded
    grade(ASSIGNMENT, submissions, tmp_path)
    assert (tmp_path / "grades.csv").read_text() == (out / "grades.csv").read_text()

    def graded_the_same(path):   # all but the two measurements of a run
        students = json.loads(path.read_text())["students"]
        return {s: {k: v for k, v in entry.items() if k not in ("seconds", "peak_memory_bytes")}
                for s, entry in students.items()}
    assert graded_the_same(tmp_path / "results.json") == graded_the_same(out / "results.json")


def test_a_feedback_page_the_grader_cannot_write_is_the_graders_fault(course, tmp_path):
    """A broken feedback template (the grading setup's, never the student's) ends the
    submission as an error that says so, not as a graded one without feedback."""
    template = course / "autograder" / "templates" / "course_feedback" / "index.html.j2"
    template.write_text(template.read_text() + "\n{% this is not a jinja tag %}\n")
    make_submission(ASSIGNMENT, tmp_path / "class" / "alice", solution_answers(ASSIGNMENT))
    run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "class"), "--out",
         str(tmp_path / "out"), "--jobs", "1", "--similarity", "off"], cwd=course)
    alice = json.loads((tmp_path / "out" / "results.json").read_text())["students"]["alice"]
    assert alice["status"] == "error", alice
    assert alice["message"].startswith("the grader could not write the feedback page, a fault "
                                       "of the grading setup and not of the submission"), alice
    # the real cause, not nbgrader's "see the above traceback"
    assert "TemplateSyntaxError" in alice["message"] and "above" not in alice["message"], alice
    assert not (tmp_path / "out" / "feedback" / "alice").exists()


def test_nbgraders_submitted_layout_is_accepted(tmp_path):
    folder = tmp_path / "course" / "submitted" / "alice" / ASSIGNMENT
    make_submission(ASSIGNMENT, folder, solution_answers(ASSIGNMENT))
    grade(ASSIGNMENT, tmp_path / "course", tmp_path / "out")
    assert "alice,ex01-shapes-and-counts,14,14,graded" in (tmp_path / "out" / "grades.csv").read_text()


def test_a_batch_stopped_by_sigterm_leaves_nothing_running_and_resumes(graded, submissions, tmp_path):
    """A batch system's stop (SIGTERM) mid-batch: the results so far stay, no grading
    process or kernel outlives the grader, and --resume grades only the rest."""
    out = tmp_path / "out"
    batch = psutil.Popen([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(submissions),
                          "--out", str(out), "--jobs", "2", "--timeout", "300"],
                         cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not ((out / "grades.csv").is_file() and len((out / "grades.csv").read_text().splitlines()) >= 4):
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.1)
    children = batch.children(recursive=True)
    assert children   # grading processes, their kernels
    batch.terminate()
    stdout, stderr = batch.communicate(timeout=120)
    assert batch.returncode == 130 and "--resume" in stderr, (stdout, stderr)
    left = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    assert not left, [(c.cmdline(), c.ppid()) for c in left]
    with open(out / "grades.csv", newline="") as f:
        first = sum(row["status"] != "missing" for row in csv.DictReader(f))  # missing: found again
    to_grade = sum(row["status"] != "missing" for row in graded[2].values())
    assert 1 <= first < to_grade

    done = grade(ASSIGNMENT, submissions, out, "--resume")
    assert f"{to_grade - first} graded now, {first} kept" in done.stdout
    assert (out / "grades.csv").read_text() == (graded[0] / "grades.csv").read_text()


@pytest.mark.parametrize("args, message", [
    (["no-such-assignment", "."], "unknown assignment 'no-such-assignment'"),
    ([ASSIGNMENT, "no/such/folder"], "submissions folder 'no/such/folder' does not exist"),
])
def test_instructor_errors_are_one_line_with_a_nonzero_exit(args, message, tmp_path):
    done = run([PYTHON, "-m", "autograder", "grade", *args, "--out", str(tmp_path / "out")],
               check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and message in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sandbox", ["bwrap", "none"])
def test_an_endless_loop_costs_its_cell_under_every_sandbox(course, tmp_path, sandbox):
    """Past the cell time limit the kernel is interrupted (inside the sandbox too) and the
    next cells run: the loop's cell loses its function's tests, the rest are graded, and
    the feedback page shows which cell ran out of time."""
    if sandbox == "bwrap" and bwrap_path() is None:
        pytest.skip("bubblewrap is not installed")
    config = course / "autograder" / "nbgrader_config.py"
    config.write_text(config.read_text() + "\nc.ExecutePreprocessor.timeout = 5\n")
    answers = solution_answers(ASSIGNMENT)
    answers["fc_param_count"] = "while True:\n    pass\n\n" + answers["fc_param_count"]
    make_submission(ASSIGNMENT, tmp_path / "class" / "looper", answers)
    run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "class"), "--out",
         str(tmp_path / "out"), "--jobs", "1", "--similarity", "off", "--sandbox", sandbox], cwd=course)
    looper = json.loads((tmp_path / "out" / "results.json").read_text())["students"]["looper"]
    assert looper["status"] == "graded", looper
    assert looper["score"] == total_points(ASSIGNMENT) - points_of(ASSIGNMENT, "fc_param_count")
    page = (tmp_path / "out" / "feedback" / "looper" / f"{ASSIGNMENT}.html").read_text()
    assert "CellTimeoutError" in page and "No reply from kernel before timeout" in page
