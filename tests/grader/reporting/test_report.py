"""The class report counts the mistakes the grader named by their ids, as data: names with
dots in them ("forgot model.train()") are counted apart, each with one example message."""
from autograder.grading.plan import AssignmentPlan, TestCell
from autograder.grading.results import SubmissionResult, TestResult
from autograder.reporting.report import build_report


def test_named_mistakes_are_counted_by_id_with_an_example():
    def test(grade_id, mistake=None, message="wrong"):
        return TestResult("ex04-cnn-in-pytorch", grade_id, 0, 1, passed=False, message=message,
                          mistake=mistake)
    train = {"id": "forgot-model-train", "name": "forgot model.train()"}
    evaluate = {"id": "forgot-model-eval", "name": "forgot model.eval()"}
    def graded(student_id, *tests):
        return SubmissionResult(student_id, "ex04-cnn-in-pytorch", "graded", 0, 3, tests=list(tests))
    results = [
        graded("a", test("train_epoch_examples", train, "first message"), test("train_epoch_hidden", train)),
        graded("b", test("train_epoch_examples", train), test("evaluate_examples", evaluate)),
        graded("c", test("evaluate_examples")),
    ]
    plan = AssignmentPlan("ex04-cnn-in-pytorch", ("ex04-cnn-in-pytorch",),
                          tuple(TestCell("ex04-cnn-in-pytorch", g, 1, None) for g in
                                ("train_epoch_examples", "train_epoch_hidden", "evaluate_examples")), {})
    report = build_report(results, plan, 1.0, 1)
    assert ('<td>forgot model.train()</td><td class="num">2</td>'
            '<td>train_epoch_examples, train_epoch_hidden</td><td>first message</td>') in report
    assert '<td>forgot model.eval()</td><td class="num">1</td>' in report
    assert "forgot model<" not in report


def simulated_class(out, students):
    """OUT_DIR of a class of `students` as the grade command leaves it, from seeded random
    results: per test right, wrong (some with a named mistake) or not attempted; a few
    submissions timed out, failed or missing; measured times and peak memory."""
    import random

    from autograder.batch.outputs import ResultsWriter
    from autograder.grading.plan import AssignmentPlan

    plan = AssignmentPlan.read("ex01-shapes-and-counts")
    rng = random.Random(0)
    mistake = {"id": "output-size-not-floored", "name": "output size not floored"}
    writer = ResultsWriter(out, plan.assignment, "v1")
    for index in range(students):
        student = f"s{index:05d}"
        roll = rng.random()
        common = {"student_id": student, "assignment": plan.assignment, "max_score": plan.max_score,
                  "seconds": round(rng.lognormvariate(1.1, 0.3), 2),
                  "peak_memory_bytes": int(rng.gauss(150, 20) * 1024 ** 2)}
        if roll < 0.01:
            writer.add(SubmissionResult(**{**common, "status": "timeout", "score": 0.0, "tests": [],
                        "message": "grading was stopped after 600 s (the time limit)", "seconds": 600}))
            continue
        if roll < 0.02:
            writer.add(SubmissionResult(**common, status="missing", score=0.0,
                                        message="no ex01-shapes-and-counts.ipynb in the submission"))
            continue
        tests, skipped = [], []
        for test in plan.tests:
            kind = rng.choices(["right", "wrong", "named", "skipped"], [0.6, 0.2, 0.1, 0.1])[0]
            right = kind == "right"
            tests.append(TestResult(
                test.notebook, test.grade_id, test.max_points if right else 0.0, test.max_points,
                passed=right, attempted=kind != "skipped",
                message="" if right else f"{test.grade_id}(3, 2) returned 1; expected 2.",
                mistake=mistake if kind == "named" else None))
        writer.add(SubmissionResult(**common, status="graded", score=sum(t.points for t in tests),
                                    tests=tests, not_attempted=skipped))
    return plan, writer.finish()


def test_the_report_of_5000_students_is_light_offline_and_matches_results_json(tmp_path):
    import json
    import re
    import time

    from tests.support.browser import chromium, serve

    plan, results = simulated_class(tmp_path / "out", 5000)
    started = time.perf_counter()
    report = build_report(results, plan, 1234.5, 16)
    built = time.perf_counter() - started
    (tmp_path / "out" / "report.html").write_text(report, encoding="utf-8")
    size = len(report.encode())
    print(f"report of 5,000 students: {size / 1024:.0f} KB, built in {built:.1f} s")
    assert size < 250 * 1024   # aggregates and three figures, no row per student
    students = json.loads((tmp_path / "out" / "results.json").read_text())["students"]
    graded = [s for s in students.values() if s["status"] == "graded"]

    with chromium() as context, serve(tmp_path / "out") as url:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url + "report.html")
        loaded = time.perf_counter() - started
        print(f"loaded in Chromium in {loaded:.2f} s")
        assert context.blocked == []
        images = page.locator("img")
        assert images.count() == 2   # the scores, and the grading time and memory
        for i in range(images.count()):
            assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 300")
        text = page.locator("body").inner_text()

        # the numbers are results.json's
        statuses = {status: sum(s["status"] == status for s in students.values())
                    for status in ("graded", "missing", "timeout")}
        assert f"5000 submissions: {statuses['graded']} graded, {statuses['missing']} missing, " \
               f"{statuses['timeout']} timeout." in text
        for test in plan.tests:
            wrong = sum(not t["passed"] and t["attempted"] for s in graded for t in s["tests"]
                        if t["grade_id"] == test.grade_id)
            skipped = sum(not t["attempted"] for s in graded for t in s["tests"] if t["grade_id"] == test.grade_id)
            named = sum(bool(t["mistake"]) for s in graded for t in s["tests"] if t["grade_id"] == test.grade_id)
            row = page.locator("tr", has=page.locator(f"td:text-is('{test.grade_id}')")).inner_text()
            assert f"{wrong} / {len(graded)}" in row and f"{skipped} / {len(graded)}" in row, row
            assert f"output size not floored ({named})" in row, row
        seconds = sorted(s["seconds"] for s in students.values() if s["status"] != "timeout")
        assert f"largest {seconds[-1]:.1f} s (and {statuses['timeout']} stopped at the time limit)" in text
        # nothing runs past the page's right edge
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert re.search(r"timeout\s+grading was stopped after 600 s \(the time limit\)\s+"
                         rf"{statuses['timeout']}\s+s\d+(, s\d+){{9}} and {statuses['timeout'] - 10} more", text), text
