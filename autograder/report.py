"""The class report: one self-contained HTML page (the figure embedded, no scripts)."""
import base64
import html
import io
import statistics
from collections import Counter, defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from autograder.outputs import number  # noqa: E402

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #d9534f; height: .8rem; }
.muted { color: #666; }
"""


def _histogram(scores, max_score):
    fig, ax = plt.subplots(figsize=(7, 3), dpi=100)
    bins = min(20, max(1, int(max_score))) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#3b73b9", edgecolor="white")
    ax.set_xlabel(f"score (out of {number(max_score)})")
    ax.set_ylabel("students")
    ax.set_title("Scores of graded submissions")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(header, rows):
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _td(value, numeric=False):
    return f'<td class="num">{html.escape(str(value))}</td>' if numeric else \
        f"<td>{html.escape(str(value))}</td>"


def build_report(results, template, seconds, jobs):
    e = html.escape
    graded = [r for r in results if r["status"] == "graded"]
    statuses = Counter(r["status"] for r in results)
    scores = [r["score"] for r in graded]
    max_score = template["max_score"]
    parts = [f"<h1>Class report: {e(template['assignment'])}</h1>"]

    summary = [f"{len(results)} submissions: "
               + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + "."]
    if scores:
        summary.append(f"Mean score {statistics.mean(scores):.1f}, median "
                       f"{number(statistics.median(scores))}, out of {number(max_score)}.")
    summary.append(f"Graded in {seconds:.1f} s with {jobs} parallel jobs "
                   f"({seconds / max(1, len(results)):.2f} s per submission).")
    parts.append("<p>" + " ".join(e(s) for s in summary) + "</p>")

    if scores:
        parts.append(f'<img alt="Histogram of scores" src="data:image/png;base64,'
                     f'{_histogram(scores, max_score)}">')

    parts.append("<h2>Tests</h2>")
    rows = []
    for test in template["tests"]:
        failed = sum(1 for r in graded for t in r["tests"]
                     if t["grade_id"] == test["grade_id"] and not t["passed"])
        rate = failed / len(graded) if graded else 0.0
        rows.append([_td(test["grade_id"]), _td(number(test["max_points"]), True),
                     _td(f"{failed} / {len(graded)}", True), _td(f"{rate:.0%}", True),
                     f'<td><div class="bar" style="width:{rate * 10:.2f}rem"></div></td>'])
    parts.append(_table(["test", "points", "failed", "failure rate", ""], rows))

    parts.append("<h2>Most common diagnosed mistakes</h2>")
    students_with, names, example = Counter(), {}, {}
    where = defaultdict(set)
    for r in graded:
        seen = set()
        for t in r["tests"]:
            mistake = t.get("mistake")
            if mistake:   # named by the grader, as data: counted by its id
                seen.add(mistake["id"])
                names[mistake["id"]] = mistake["name"]
                where[mistake["id"]].add(t["grade_id"])
                example.setdefault(mistake["id"], t["message"])
        students_with.update(seen)
    if students_with:
        rows = [[_td(names[key]), _td(count, True), _td(", ".join(sorted(where[key]))),
                 _td(example[key])]
                for key, count in sorted(students_with.items(), key=lambda item: (-item[1], item[0]))]
        parts.append(_table(["mistake", "students", "seen in tests", "one message"], rows))
    else:
        parts.append('<p class="muted">No known mistake was diagnosed.</p>')

    problems = [r for r in results if r["status"] != "graded"]
    parts.append("<h2>Submissions not graded</h2>")
    if problems:
        rows = [[_td(r["student_id"]), _td(r["status"]), _td(r.get("message", ""))]
                for r in problems]
        parts.append(_table(["student", "status", "why"], rows))
    else:
        parts.append('<p class="muted">Every submission was graded.</p>')

    title = e(f"Class report: {template['assignment']}")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")
