"""Grading one submission: what the grader knows of an assignment (plan), the student's
kernel in its limits and sandbox, nbgrader's autograde and feedback (worker), and the
result (results)."""
