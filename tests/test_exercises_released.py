"""exercises/ is what nbgrader makes from solutions/, never edited by hand."""
import filecmp

import pytest

from conftest import PYTHON, REPO, run

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
