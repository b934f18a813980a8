"""Grade a submission's test cells in this process, as the sandboxed kernel and the judge
do: the released checks run the cell on the student's functions and hand back answers,
and the judge alone decides. Fast enough to grade many submissions; the sandbox itself is
tested end to end in test_batch_grading."""
import builtins
import contextlib
import io

import nbformat

from autograder import judge
from autograder.kernel import checks as kernel_checks
from tests.support.samples import REPO


def test_cells(assignment):
    """(setup source, [(grade_id, source)] of every test cell), from the solution notebook."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = [(c.metadata["nbgrader"]["grade_id"], c.source) for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    return judge.setup_source(nb), cells


def grade_in_process(assignment, answers, monkeypatch):
    """grade_id -> the judge's Failure, for each test cell the answers (grade_id -> code)
    fail. The cells' own printing is swallowed."""
    setup, cells = test_cells(assignment)
    helpers = getattr(judge.ASSIGNMENTS[assignment], "HELPERS", {})   # probes.py, as released
    kernel_setup = setup
    for name in ["checks", *helpers]:
        kernel_setup = kernel_setup.replace(f"import {name}", "")
    code = "\n\n".join(source for grade_id, source in answers.items() if grade_id != "training")
    failures, failing = {}, set()   # failing: as JudgeAnswers keeps it, for the cells below
    for grade_id, cell in cells:
        handed_back = []
        monkeypatch.setattr(kernel_checks, "_hand_back", lambda name, answer: handed_back.append((name, answer)))
        monkeypatch.setattr(kernel_checks, "_course_judge", lambda: None)
        namespace = {"__builtins__": dict(vars(builtins)), "checks": kernel_checks, **helpers}
        error = None
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(kernel_setup, namespace)
                exec(code, namespace)
                exec(cell, namespace)
            except Exception as caught:
                error = f"{type(caught).__name__}: {caught}"
        failure = judge.judge_cell(assignment, setup, cell, handed_back, error, failing)[1]
        if failure:
            failures[grade_id] = failure
            failing |= judge.tested_functions(assignment, setup, cell)
    return failures
