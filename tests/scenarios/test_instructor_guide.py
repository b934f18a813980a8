"""The instructor guide's numbers are the course's own: the points of each exercise, and
how often each known mistake occurs in the real students' code under tests/data/real_submissions
(whose named mistakes test_real_submissions checks against the grader)."""
import re
from collections import Counter

from tests.support.samples import REPO, sample, total_points

GUIDE = REPO / "book" / "for-instructors.md"
REAL = REPO / "tests" / "data" / "real_submissions"
EXERCISES = {1: "ex01-shapes-and-counts", 2: "ex02-conv-by-hand", 3: "ex03-backprop",
             4: "ex04-cnn-in-pytorch", 5: "ex05-normalisation"}
BEGIN, END = "<!-- misconceptions:", "<!-- end of misconceptions -->"


def misconceptions_table():
    """The guide's table of misconceptions, made from the real submissions: each known
    mistake (a pair made together counts for both), in how many submissions of which
    exercise, most frequent first."""
    rows = []
    for folder in sorted(p for p in REAL.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.py"))
        counts = Counter()
        for path in files:
            named = {name for name in sample(folder.name, path.stem, folder=REAL)[1]["LOST"].values() if name}
            counts.update({part for name in named for part in name.split(", and ")})
        number = next(n for n, a in EXERCISES.items() if a == folder.name)
        rows += [(-count, number, name, f"| {number} | {name} | {count} of {len(files)} |")
                 for name, count in counts.items()]
    return "\n".join(["| exercise | mistake | submissions |", "|---|---|---|"]
                     + [row for *_, row in sorted(rows)])


def test_the_misconception_counts_are_the_real_submissions():
    text = GUIDE.read_text()
    start = text.index("\n", text.index(BEGIN)) + 1
    table = text[start:text.index(END)].strip()
    assert table == misconceptions_table(), (
        "book/for-instructors.md's misconceptions are stale; replace the table with:\n"
        + misconceptions_table())


def test_the_points_in_the_guide_are_the_notebooks():
    rows = re.findall(r"^\| (\d), [^|]+\|[^|]+\| (\d+) \|", GUIDE.read_text(), flags=re.M)
    assert {int(n): int(points) for n, points in rows} == {
        n: total_points(a) for n, a in EXERCISES.items()}
