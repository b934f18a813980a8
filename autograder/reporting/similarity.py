"""Pairs of submissions whose student-written code is near-identical, for the class report.

copydetect (the maintained tool for this) does the work that decides: it normalises each
student's answer cells (names, strings, comments and white space removed), fingerprints
them (winnowing: k-grams of NOISE tokens, one kept in every window, so any match of
GUARANTEE tokens is seen), leaves out the released notebook's own code (its boilerplate),
and scores a pair by the share of each one's code found in the other.

The code that many submissions share is left out as well (fingerprinted once to count,
then again with it as boilerplate): short formulas have one obvious form, and two students
who both wrote it copied nothing. What is left is each submission's own code; copying
passes it on, so a pair that shares none of it cannot be near-identical. Comparing every
pair of 5,000 students (12.5 million pairs) is what copydetect's own detector would do;
here only the pairs that share at least one fingerprint of their own code are compared,
found through an index of fingerprints, and the cost is about linear in the class.

copydetect hashes code with Python's hash(), which every Python process salts anew: the
same class would get other fingerprints, and other pairs near the threshold, on each run
(60 submissions gave 74, 80 and 90 pairs). So the comparison runs in a Python of its own
with a fixed salt (PYTHONHASHSEED), and the same class gets the same pairs every time.
"""
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path


HASH_SEED = "0"
NOISE, GUARANTEE = 25, 30   # copydetect's defaults: matches shorter than NOISE tokens are noise
# Code shared by more than COMMON_COUNT submissions and more than COMMON_SHARE of the
# class is the class's common way of writing it
COMMON_COUNT, COMMON_SHARE = 10, 0.02
MIN_FINGERPRINTS = 10       # less uncommon code than this is too little to compare
DEFAULT_THRESHOLD = 0.9


@dataclass
class Similarity:
    """What the class report shows: the pairs found, the threshold, how many submissions
    were compared and in how many seconds."""
    pairs: list
    threshold: float
    compared: int
    seconds: float


@dataclass
class SimilarPair:
    """Two students' code and how much of each one's code is found in the other's."""
    first: str
    second: str
    score: float           # the smaller of the two shares: both are near-identical
    first_code: str        # HTML: the answer cells, the shared parts in <mark>
    second_code: str


def student_code(folder, notebooks):
    """The source of every answer cell (nbgrader solution cell) of the submission, in order;
    "" when there is none or a notebook cannot be read."""
    from autograder.grading.plan import answer_cells
    parts = []
    for name in notebooks:
        try:
            parts += answer_cells(Path(folder) / f"{name}.ipynb").values()
        except Exception:   # graded elsewhere as an error; nothing to compare here
            continue
    return "\n\n".join(parts)


def _fingerprint(name, code, boilerplate):
    from copydetect import CodeFingerprint
    return CodeFingerprint(name, NOISE, GUARANTEE - NOISE + 1, boilerplate=boilerplate,
                           language="python", fp=io.StringIO(code))


def similar_pairs(codes, released_code, threshold=DEFAULT_THRESHOLD):
    """The pairs of `codes` ({student_id: code}) at least `threshold` alike, most alike
    first. Left out before comparing, as copydetect's boilerplate: the code of
    `released_code` (the released answer cells), and the code that more than `common`
    submissions share (the class's obvious way to write it, no evidence of copying).
    Computed in a Python with the fixed hash salt (see above)."""
    if os.environ.get("PYTHONHASHSEED") == HASH_SEED:
        return _similar_pairs(codes, released_code, threshold)
    from autograder.course import REPO_ROOT   # where the child imports the grader from
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "autograder.reporting.similarity"], capture_output=True, text=True,
        input=json.dumps({"codes": codes, "released_code": released_code, "threshold": threshold}),
        env={**os.environ, "PYTHONHASHSEED": HASH_SEED, "PYTHONPATH": path})
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(lines[-1] if lines else f"it exited with code {done.returncode}")
    return [SimilarPair(**pair) for pair in json.loads(done.stdout)]


def _similar_pairs(codes, released_code, threshold):
    import warnings

    import numpy as np
    from copydetect import compare_files
    from copydetect.utils import highlight_overlap

    def fingerprints(boilerplate):
        found = {}
        for student_id, code in codes.items():
            if code.strip():
                fingerprint = _fingerprint(student_id, code, boilerplate)
                if len(set(fingerprint.hashes)) >= MIN_FINGERPRINTS:
                    found[student_id] = fingerprint
        return found

    def holders(prints):
        held = defaultdict(list)
        for student_id, fingerprint in prints.items():
            for value in set(fingerprint.hashes):
                held[value].append(student_id)
        return held

    released = _fingerprint("released", released_code, None).hashes if released_code.strip() else set()
    common = max(COMMON_COUNT, int(COMMON_SHARE * len(codes)))
    first_pass = holders(fingerprints(np.array(sorted(released), dtype=np.int64)))
    everyone = {value for value, students in first_pass.items() if len(students) > common}
    prints = fingerprints(np.array(sorted(set(released) | everyone), dtype=np.int64))
    candidates = set()
    for students in holders(prints).values():
        if len(students) > 1:
            candidates.update(combinations(sorted(students), 2))
    pairs = []
    for first, second in sorted(candidates):
        _, (share_first, share_second), (slices_first, slices_second) = compare_files(prints[first], prints[second])
        score = float(min(share_first, share_second))
        if score >= threshold:
            with warnings.catch_warnings():   # copydetect warns on an empty highlight
                warnings.simplefilter("ignore")
                shown = [highlight_overlap(prints[s].raw_code, slices, "<mark>", "</mark>", escape_html=True)[0]
                         for s, slices in ((first, slices_first), (second, slices_second))]
            pairs.append(SimilarPair(first, second, score, *shown))
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs


if __name__ == "__main__":   # similar_pairs in a Python with the fixed hash salt
    json.dump([asdict(pair) for pair in similar_pairs(**json.load(sys.stdin))], sys.stdout)
