"""Real students' mistakes: each file under tests/data/real_submissions/ re-creates, in the
course's signatures, an implementation that students published for a classic CNN
assignment, bug for bug (SEEN_IN says where; BUGS what a teacher reading it finds).
LOST says which test cells it must lose and the mistake the feedback must name there
(None: no known mistake explains every answer, so none may be named).

A wrong name is worse than none: every file's names must be exactly its LOST's. And most
real mistakes must be named."""

import pytest

from tests.support.judging import grade_in_process
from tests.support.samples import REPO, sample

REAL = REPO / "tests" / "data" / "real_submissions"
FILES = [(folder.name, path.stem) for folder in sorted(REAL.iterdir()) if folder.is_dir()
         for path in sorted(folder.glob("*.py"))]


@pytest.mark.parametrize("assignment, name", FILES)
def test_a_real_submission_loses_its_buggy_tests_and_names_only_the_right_mistake(assignment, name, monkeypatch):
    answers, expect = sample(assignment, name, folder=REAL)
    failures = grade_in_process(assignment, answers, monkeypatch)
    named = {grade_id: failure.mistake and failure.mistake.name for grade_id, failure in failures.items()}
    assert named == expect["LOST"], {g: f.text for g, f in failures.items()}
    assert bool(failures) == bool(expect["BUGS"])   # right code keeps full marks


def test_most_failing_real_submissions_get_their_mistakes_named():
    lost = [sample(assignment, name, folder=REAL)[1]["LOST"] for assignment, name in FILES]
    failing = [cells for cells in lost if cells]
    named = [cells for cells in failing if None not in cells.values()]
    assert len(failing) >= 30
    assert len(named) / len(failing) >= 0.8, f"{len(named)} of {len(failing)} named"
