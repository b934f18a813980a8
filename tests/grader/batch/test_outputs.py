"""OUT_DIR as it grows: each result is on disk as soon as it is added, a crash leaves every
complete line readable, --resume carries earlier results over, and the finished files
are sorted by student whatever the order of grading. Progress in a log: a line a minute."""
import csv
import io
import json

from autograder.batch.outputs import ResultsWriter, earlier_results, iter_results
from autograder.batch.progress import Progress
from autograder.grading.results import SubmissionResult, TestResult


def result(student, score, status="graded", sha="0" * 64):
    return SubmissionResult(student, "ex", status, score, max_score=2.0, submission_sha256=sha,
                            tests=[TestResult("ex", "f_examples", score, 2.0, passed=score == 2)],
                            feedback={"ex.html": f"<p>{student}</p>"})


def rows(out):
    with open(out / "grades.csv", newline="") as f:
        return [(r["student_id"], r["score"], r["status"]) for r in csv.DictReader(f)]


def test_each_result_is_on_disk_at_once_and_the_end_sorts_them(tmp_path):
    writer = ResultsWriter(tmp_path, "ex", "v1")
    assert not (tmp_path / "grades.csv").exists()   # nothing written before the first result
    writer.add(result("zoe", 2.0))
    assert rows(tmp_path) == [("zoe", "2", "graded")]
    assert (tmp_path / "feedback" / "zoe" / "ex.html").read_text() == "<p>zoe</p>"
    writer.add(result("adam", 1.5))
    assert earlier_results(tmp_path, "ex", "v1") == {"zoe": "0" * 64, "adam": "0" * 64}
    list(writer.finish())
    assert rows(tmp_path) == [("adam", "1.5", "graded"), ("zoe", "2", "graded")]
    data = json.loads((tmp_path / "results.json").read_text())
    assert list(data["students"]) == ["adam", "zoe"]
    assert data["assignment_version"] == "v1"
    assert [r.student_id for r in iter_results(tmp_path)] == ["adam", "zoe"]


def test_a_line_cut_short_by_a_crash_is_left_out_and_the_rest_kept(tmp_path):
    writer = ResultsWriter(tmp_path, "ex", "v1")
    for student in ("a", "b", "c"):
        writer.add(result(student, 2.0, sha=student * 64))
    writer.close()
    text = (tmp_path / "results.json").read_text()
    (tmp_path / "results.json").write_text(text[:-40])   # the machine went down mid-line
    assert earlier_results(tmp_path, "ex", "v1") == {"a": "a" * 64, "b": "b" * 64}
    assert earlier_results(tmp_path, "ex", "v2") == {}   # another version keeps nothing
    assert earlier_results(tmp_path, "other", "v1") == {}


def test_resume_carries_the_kept_results_over_and_adds_the_new(tmp_path):
    first = ResultsWriter(tmp_path, "ex", "v1")
    first.add(result("a", 2.0))
    first.add(result("b", 0.0))   # b's notebook will change: graded again
    first.close()
    second = ResultsWriter(tmp_path, "ex", "v1", kept={"a"})
    second.add(result("c", 1.0))
    second.add(result("b", 2.0))
    list(second.finish())
    assert rows(tmp_path) == [("a", "2", "graded"), ("b", "2", "graded"), ("c", "1", "graded")]
    assert second.count == 2 and second.statuses["graded"] == 3
    assert not list(tmp_path.glob("*.earlier"))


def test_progress_without_a_terminal_writes_a_line_a_minute():
    stream = io.StringIO()   # not a terminal
    progress = Progress(10, initial=4, stream=stream, every=0.0)
    progress.update()
    progress.close()
    assert stream.getvalue().startswith("graded 5 of 10 (")
    assert "left)" in stream.getvalue()
    quiet = io.StringIO()
    progress = Progress(10, stream=quiet)   # the default: a minute between lines
    progress.update()
    assert quiet.getvalue() == ""
