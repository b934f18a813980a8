"""What the batch grader writes: grades.csv and results.json (feedback HTML is copied
as submissions finish; the class report is in report.py)."""
import csv
import json
from pathlib import Path

GRADES_COLUMNS = ["student_id", "assignment", "score", "max_score", "status"]


def number(value):
    """14.0 -> 14, 2.5 -> 2.5: scores as a person writes them."""
    return int(value) if float(value).is_integer() else round(float(value), 4)


def write_grades_csv(results, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GRADES_COLUMNS)
        for r in results:
            writer.writerow([r["student_id"], r["assignment"], number(r["score"]),
                             number(r["max_score"]), r["status"]])


def write_results_json(results, assignment, path):
    """Per student, per test cell: grade_id, points, max_points, passed, message, and the
    known mistake the grader named ({"id", "name"} or null)."""
    students = {}
    for r in results:
        students[r["student_id"]] = {
            "status": r["status"],
            "score": number(r["score"]),
            "max_score": number(r["max_score"]),
            "message": r.get("message", ""),
            "tests": [
                {"grade_id": t["grade_id"], "notebook": t["notebook"],
                 "points": number(t["points"]), "max_points": number(t["max_points"]),
                 "passed": t["passed"], "message": t["message"], "mistake": t.get("mistake")}
                for t in r["tests"]
            ],
        }
    Path(path).write_text(
        json.dumps({"assignment": assignment, "students": students}, indent=2,
                   ensure_ascii=False) + "\n",
        encoding="utf-8")
