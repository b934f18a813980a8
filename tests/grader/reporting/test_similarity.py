"""Near-identical student code (copydetect): a copy with other names, spacing and comments
is found; code the whole class writes alike, the released code and blank notebooks are
not evidence; the report shows the pair side by side."""
import csv
import json
import random
import re

import pytest

from autograder.grading.plan import AssignmentPlan
from autograder.reporting.similarity import similar_pairs
from tests.support.commands import PYTHON, run
from tests.support.samples import SAMPLES, make_submission, sample, solution_answers

ASSIGNMENT = "ex01-shapes-and-counts"


def own_code(rng):
    """A student's own helper, different for each student."""
    lines = [f"    {rng.choice('abcdefgh')} = {rng.choice('abcdefgh')} {rng.choice('+-*')} "
             f"{rng.randint(0, 99)} * shape[{rng.randint(0, 3)}]" for _ in range(rng.randint(8, 14))]
    return "def helper(shape):\n    a = b = c = d = e = f = g = h = 1\n" + "\n".join(lines) + "\n    return a\n"


def released_code():
    return AssignmentPlan.read(ASSIGNMENT).released_code()


def test_a_disguised_copy_is_found_and_the_common_solution_is_no_evidence():
    rng = random.Random(1)
    solution = "\n\n".join(solution_answers(ASSIGNMENT).values())
    codes = {f"student{i:02d}": solution + "\n\n" + own_code(rng) for i in range(40)}
    # a copy of student07: other names, other spacing, a comment added
    codes["copier"] = (codes["student07"].replace("helper", "my_func").replace("shape", "dims")
                       .replace(" = ", "=").replace("    return a", "    # done\n    return a"))
    codes["blank"] = released_code()
    pairs = similar_pairs(codes, released_code(), 0.9)
    assert [(p.first, p.second) for p in pairs] == [("copier", "student07")]
    assert pairs[0].score > 0.95
    assert "<mark>" in pairs[0].first_code and "<mark>" in pairs[0].second_code
    # the same solution alone, by the whole class, with nothing of their own: no pair
    alike = {f"student{i:02d}": solution for i in range(40)}
    assert similar_pairs(alike, released_code(), 0.9) == []


def test_the_same_class_gets_the_same_pairs_in_every_python_process(tmp_path):
    """copydetect's fingerprints use Python's hash(), salted anew in each process: without
    a fixed salt this class got 74, 80 or 90 pairs depending on the run."""
    kinds = [solution_answers(ASSIGNMENT)] + [sample(ASSIGNMENT, p.stem)[0]
                                              for p in sorted((SAMPLES / ASSIGNMENT).glob("*.py"))]
    job = {"codes": {f"s{i:03d}": "\n\n".join(kinds[i % len(kinds)].values()) for i in range(60)},
           "released_code": released_code(), "threshold": 0.9}
    (tmp_path / "job.json").write_text(json.dumps(job))
    script = ("import json, sys; from autograder.reporting.similarity import similar_pairs; "
              "pairs = similar_pairs(**json.load(open(sys.argv[1]))); "
              "print(json.dumps([(p.first, p.second, p.score) for p in pairs]))")
    found = [json.loads(run([PYTHON, "-c", script, str(tmp_path / "job.json")],
                            env={"PYTHONHASHSEED": seed}).stdout) for seed in ("1", "2", "random")]
    assert found[0] and found[0] == found[1] == found[2]


def test_a_comparison_that_cannot_run_says_why(monkeypatch):
    import autograder.reporting.similarity
    monkeypatch.setattr(autograder.reporting.similarity.sys, "executable", "false")   # a Python that fails
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    with pytest.raises(RuntimeError, match="exited with code 1"):
        similar_pairs({"a": "x = 1"}, "", 0.9)


def test_the_class_report_flags_the_pair_side_by_side(tmp_path):
    answers = solution_answers(ASSIGNMENT)
    make_submission(ASSIGNMENT, tmp_path / "class" / "alice", answers)
    renamed = {grade_id: code.replace("padding", "pad").replace("stride", "step")
               for grade_id, code in answers.items()}
    make_submission(ASSIGNMENT, tmp_path / "class" / "bob", renamed)
    make_submission(ASSIGNMENT, tmp_path / "class" / "carol")   # blank: nothing of her own
    out = tmp_path / "out"
    done = run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "class"), "--out", str(out),
                "--jobs", "2", "--similarity", "0.8"])
    assert re.search(r"similarity: 1 pair at least 0.8 alike among 3 submissions \(\d+\.\d s\)", done.stdout)
    with open(out / "similarity.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["first"], r["second"]) for r in rows] == [("alice", "bob")] and float(rows[0]["score"]) >= 0.8
    report = (out / "report.html").read_text()
    assert "<td>alice and bob</td>" in report and report.count("<mark>") >= 2
    assert "1 pair of submissions share at least 80% of their own code" in report
    from tests.support.browser import chromium, serve
    with chromium() as context, serve(out) as url:   # opened side by side, within the page
        page = context.new_page()
        page.goto(url + "report.html")
        page.locator("details").last.evaluate("d => d.open = true")
        pre = page.locator(".pair pre")
        assert pre.count() == 2 and all(pre.nth(i).is_visible() for i in range(2))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert context.blocked == []

    off = run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "class"), "--out",
               str(tmp_path / "off"), "--jobs", "2", "--similarity", "off"])
    assert "similarity:" not in off.stdout and not (tmp_path / "off" / "similarity.csv").exists()
    assert "Not checked (--similarity off)" in (tmp_path / "off" / "report.html").read_text()
    wrong = run([PYTHON, "-m", "autograder", "grade", ASSIGNMENT, str(tmp_path / "class"), "--out",
                 str(tmp_path / "x"), "--similarity", "90"], check=False)
    assert wrong.returncode == 2 and "'90' is not a number in (0, 1]" in wrong.stderr
