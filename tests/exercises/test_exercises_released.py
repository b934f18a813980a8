"""exercises/ is what nbgrader makes from solutions/, never edited by hand."""
import filecmp
from pathlib import Path

import pytest

from tests.support.commands import PYTHON, run
from tests.support.samples import REPO

ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_exercise_is_up_to_date(assignment, course):
    run([PYTHON, "-m", "nbgrader", "generate_assignment", assignment, "--force"], cwd=course)
    fresh, committed = course / "exercises" / assignment, REPO / "exercises" / assignment
    compared = filecmp.dircmp(fresh, committed, ignore=["__pycache__", ".ipynb_checkpoints"])
    stale = compared.left_only + compared.right_only + filecmp.cmpfiles(
        fresh, committed, compared.common_files, shallow=False)[1]
    assert not stale, (f"exercises/{assignment} is stale ({', '.join(stale)}): "
                       f"run `make release` and commit the result")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_exercise_has_no_solutions_or_hidden_tests(assignment):
    for path in (REPO / "exercises" / assignment).glob("*.ipynb"):
        text = path.read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS"):
            assert marker not in text, f"{path.name} contains {marker}"
        assert "raise NotImplementedError()" in text


NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}


def visible_code(source):
    """The code of a cell as released: hidden regions and comments removed."""
    kept, hidden = [], False
    for line in source.splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden and line.strip() and not line.strip().startswith("#"):
            kept.append(line)
    return kept


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_points_stated_to_students_match_the_test_cells(assignment):
    import re
    import nbformat
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    visible = sum(c.metadata.nbgrader["points"] for c in tests if visible_code(c.source))
    total = sum(c.metadata.nbgrader["points"] for c in tests)
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown").replace("\n", " ")
    stated = re.search(r"(\w+) points are available: (\w+) from the visible tests above "
                       r"and (\w+) from the hidden ones", text)
    assert stated, "the notebook should tell students how many points there are"
    said = [NUMBERS[w.lower()] for w in stated.groups()]
    assert said == [total, visible, total - visible]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_helpers_hold_no_reference_code(assignment):
    """What ships next to a notebook is that exercise's helpers only: for exercises judged
    by the grader, the small engine that hands answers back, with nothing that computes a
    right answer (no PyTorch, no known-mistake variants, no other exercise's checks)."""
    from autograder import judge
    released = REPO / "exercises" / assignment
    helpers = (released / "checks.py").read_text()
    assert assignment in judge.ASSIGNMENTS
    assert helpers == (REPO / "autograder" / "kernel" / "checks.py").read_text()
    for needle in ("import torch", "Mistake(", "REFERENCES", "conv2d", "receptive"):
        assert needle not in helpers, needle
    others = {p.name for p in released.glob("*.py")} - {"checks.py"}
    module = judge.ASSIGNMENTS[assignment]
    assert others == {f"{name}.py" for name in getattr(module, "HELPERS", {})}
    for name in others:   # exercise 4's probes: inputs and hooks, no reference, no mistake
        text = (released / name).read_text()
        assert text == Path(getattr(module, "HELPERS")[name[:-3]].__file__).read_text()
        assert "Mistake(" not in text and "REFERENCES" not in text
        assert not any(f"def {function}(" in text for function in module.REFERENCES), name
