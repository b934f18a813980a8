"""The class report: one self-contained HTML page (the figures embedded, no scripts).

Everything of the students' in it (ids, messages, code) is escaped, and its
Content-Security-Policy (autograder/pages.py) forbids scripts as well."""
import base64
import html
import io
import statistics
from collections import Counter, defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from autograder.grading.results import number  # noqa: E402
from autograder.pages import policy_meta  # noqa: E402

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bars { display: flex; }
.bar { background: #d9534f; height: .8rem; }
.bar.skipped { background: #bbb; }
.muted { color: #666; }
details summary { cursor: pointer; color: #3b73b9; }
details p { white-space: pre-wrap; max-width: 22rem; overflow-wrap: break-word; }
.pair { display: flex; gap: 1rem; max-width: 50rem; }
.pair pre { flex: 1; min-width: 0; white-space: pre-wrap; overflow-wrap: anywhere; font-size: .75rem;
            background: #f6f6f6; padding: .5rem; }
mark { background: #ffe08a; }
"""
MESSAGE_CHARS = 400     # of a test's example message: the report stays light
PAIRS_SHOWN = 30        # near-identical pairs shown with their code (all in similarity.csv)
NAMED_PER_REASON = 10   # students named for each reason a submission was not graded


def _png(fig):
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _histogram(scores, max_score):
    fig, ax = plt.subplots(figsize=(7, 3), dpi=100)
    bins = min(20, max(1, int(max_score))) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#3b73b9", edgecolor="white")
    ax.set_xlabel(f"score (out of {number(max_score)})")
    ax.set_ylabel("students")
    ax.set_title("Scores of graded submissions")
    return _png(fig)


def _cost_histograms(seconds, memory_mb):
    """Grading time and peak memory per submission, side by side (one panel without memory)."""
    panels = [(seconds, "Grading time", "seconds per submission")] + \
        ([(memory_mb, "The kernel's peak memory", "MB per submission")] if memory_mb else [])
    fig, axes = plt.subplots(1, len(panels), figsize=(8, 2.8), dpi=100, squeeze=False)
    for ax, (values, title, label) in zip(axes[0], panels):
        ax.hist(values, bins=20, color="#7a7a7a", edgecolor="white")
        ax.set_title(title)
        ax.set_xlabel(label)
        ax.set_ylabel("submissions")
    return _png(fig)


def _spread(values, unit):
    """median, 90th percentile and maximum, in one phrase."""
    ordered = sorted(values)
    ninetieth = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return (f"median {statistics.median(ordered):.1f} {unit}, 90th percentile {ninetieth:.1f} "
            f"{unit}, largest {ordered[-1]:.1f} {unit}")


def _similarity_section(similarity):
    e = html.escape
    if similarity is None:
        return '<p class="muted">Not checked (--similarity off).</p>'
    pairs = similarity.pairs
    said = (f"{len(pairs)} pair{'' if len(pairs) == 1 else 's'} of submissions share at least "
            f"{similarity.threshold:.0%} of "
            f"their own code (copydetect, with names, strings, comments and white space "
            f"normalised, and the released code and the code many submissions share left "
            f"out), among {similarity.compared} submissions, found in {similarity.seconds:.1f} s.")
    if len(pairs) > PAIRS_SHOWN:
        said += f" The {PAIRS_SHOWN} most alike are shown; every pair is in similarity.csv."
    parts = [f"<p>{e(said)}</p>"]
    if pairs:
        rows = [[_td(f"{p.first} and {p.second}"), _td(f"{p.score:.0%}", True),
                 f'<td><details><summary>side by side</summary><div class="pair">'
                 f"<pre>{p.first_code}</pre><pre>{p.second_code}</pre></div></details></td>"]
                for p in pairs[:PAIRS_SHOWN]]   # the code is escaped by copydetect, marks added
        parts.append(_table(["students", "shared", "their answer cells (shared code marked)"], rows))
    return "".join(parts)


def _shorter(text, limit=MESSAGE_CHARS):
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _table(header, rows):
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _td(value, numeric=False):
    return f'<td class="num">{html.escape(str(value))}</td>' if numeric else \
        f"<td>{html.escape(str(value))}</td>"


class _ClassTally:
    """What the report shows, counted one result at a time (5,000 students are never all
    in memory): statuses, scores, per test the wrong attempts and the answers not
    attempted, blank submissions, and the named mistakes."""

    def __init__(self):
        self.count = 0
        self.statuses = Counter()
        self.scores = []
        self.failed, self.not_attempted = Counter(), Counter()
        self.blank = 0
        self.students_with, self.names, self.example = Counter(), {}, {}
        self.where = defaultdict(set)
        self.test_mistakes, self.test_example = defaultdict(Counter), {}
        self.seconds, self.memory_mb = [], []   # timeouts' seconds are the limit: not drawn
        self.reasons = {}   # (status, why) -> [count, the first students]

    def add(self, r):
        self.count += 1
        self.statuses[r.status] += 1
        if r.seconds is not None and r.status != "timeout":
            self.seconds.append(r.seconds)
        if r.peak_memory_bytes:
            self.memory_mb.append(r.peak_memory_bytes / 1024 ** 2)
        if r.status != "graded":
            reason = self.reasons.setdefault((r.status, r.message), [0, []])
            reason[0] += 1
            if len(reason[1]) < NAMED_PER_REASON:
                reason[1].append(r.student_id)
            return
        self.scores.append(r.score)
        seen = set()
        if r.tests and not any(t.attempted for t in r.tests):
            self.blank += 1
        for t in r.tests:
            if not t.attempted:
                self.not_attempted[t.grade_id] += 1
            elif not t.passed:
                self.failed[t.grade_id] += 1
                self.test_example.setdefault(t.grade_id, t.message)
            mistake = t.mistake
            if mistake:   # named by the grader, as data: counted by its id
                seen.add(mistake["id"])
                self.names[mistake["id"]] = mistake["name"]
                self.where[mistake["id"]].add(t.grade_id)
                self.example.setdefault(mistake["id"], t.message)
                self.test_mistakes[t.grade_id][mistake["id"]] += 1
        self.students_with.update(seen)


def build_report(results, plan, seconds, jobs, similarity=None):
    """The class report of `results` (any iterable, read once), with the near-identical
    pairs of `similarity` (autograder.reporting.similarity.Similarity) when it was checked."""
    e = html.escape
    tally = _ClassTally()
    for r in results:
        tally.add(r)
    scores = tally.scores
    graded = len(scores)
    max_score = plan.max_score
    parts = [f"<h1>Class report: {e(plan.assignment)}</h1>"]

    summary = [f"{tally.count} submissions: "
               + ", ".join(f"{n} {s}" for s, n in sorted(tally.statuses.items())) + "."]
    if tally.blank:
        summary.append(f"{tally.blank} of the graded submissions attempted nothing (every "
                       "answer cell as released).")
    if scores:
        summary.append(f"Mean score {statistics.mean(scores):.1f}, median "
                       f"{number(statistics.median(scores))}, out of {number(max_score)}.")
    summary.append(f"Graded in {seconds:.1f} s with {jobs} parallel jobs "
                   f"({seconds / max(1, tally.count):.2f} s per submission).")
    parts.append("<p>" + " ".join(e(s) for s in summary) + "</p>")

    if scores:
        parts.append(f'<img alt="Histogram of scores" src="data:image/png;base64,'
                     f'{_histogram(scores, max_score)}">')

    parts.append("<h2>Tests</h2>")
    rows = []
    for test in plan.tests:
        failed, skipped = tally.failed[test.grade_id], tally.not_attempted[test.grade_id]
        rate = (failed + skipped) / graded if graded else 0.0
        wrong = failed / graded if graded else 0.0
        named = tally.test_mistakes[test.grade_id]
        mistakes = "; ".join(f"{tally.names[key]} ({count})" for key, count in
                             sorted(named.items(), key=lambda item: (-item[1], item[0])))
        example = tally.test_example.get(test.grade_id)
        rows.append([_td(test.grade_id), _td(number(test.max_points), True),
                     _td(f"{failed} / {graded}", True), _td(f"{skipped} / {graded}", True),
                     _td(f"{rate:.0%}", True),
                     f'<td><div class="bars"><div class="bar" style="width:{wrong * 10:.2f}rem">'
                     f'</div><div class="bar skipped" style="width:{(rate - wrong) * 10:.2f}rem">'
                     '</div></div></td>',
                     _td(mistakes),
                     f"<td><details><summary>read</summary><p>{e(_shorter(example))}</p></details></td>"
                     if example else "<td></td>"])
    parts.append(_table(["test", "points", "attempted, wrong", "not attempted", "failure rate",
                         "", "mistakes named (students)", "one wrong attempt's message"], rows))
    parts.append('<p class="muted">Not attempted: the answer cell this test grades was left '
                 'exactly as released (red: wrong attempts, grey: not attempted).</p>')

    parts.append("<h2>Most common diagnosed mistakes</h2>")
    if tally.students_with:
        rows = [[_td(tally.names[key]), _td(count, True), _td(", ".join(sorted(tally.where[key]))),
                 _td(tally.example[key])]
                for key, count in sorted(tally.students_with.items(),
                                         key=lambda item: (-item[1], item[0]))]
        parts.append(_table(["mistake", "students", "seen in tests", "one message"], rows))
    else:
        parts.append('<p class="muted">No known mistake was diagnosed.</p>')

    parts.append("<h2>Near-identical code</h2>")
    parts.append(_similarity_section(similarity))

    parts.append("<h2>Grading time and memory</h2>")
    if tally.seconds:
        cost = [f"Grading time: {_spread(tally.seconds, 's')}"
                + (f" (and {tally.statuses['timeout']} stopped at the time limit)."
                   if tally.statuses["timeout"] else ".")]
        cost.append(f"The kernel's peak memory: {_spread(tally.memory_mb, 'MB')}." if tally.memory_mb
                    else "The kernel's peak memory was not measured (it needs cgroups).")
        parts.append("<p>" + " ".join(e(c) for c in cost) + "</p>")
        parts.append('<img alt="Histograms of grading time and peak memory per submission" '
                     f'src="data:image/png;base64,{_cost_histograms(tally.seconds, tally.memory_mb)}">')
    else:
        parts.append('<p class="muted">No submission was timed.</p>')

    parts.append("<h2>Submissions not graded</h2>")
    if tally.reasons:
        rows = []
        for (status, why), (count, students) in sorted(tally.reasons.items(),
                                                       key=lambda item: (-item[1][0], item[0])):
            more = f" and {count - len(students)} more" if count > len(students) else ""
            rows.append([_td(status), _td(why), _td(count, True), _td(", ".join(students) + more)])
        parts.append(_table(["status", "why", "submissions", "students"], rows))
        parts.append('<p class="muted">Every student\'s status is in grades.csv.</p>')
    else:
        parts.append('<p class="muted">Every submission was graded.</p>')

    title = e(f"Class report: {plan.assignment}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head>{policy_meta()}<meta charset="utf-8">'
            f"<title>{title}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")
