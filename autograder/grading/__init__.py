"""Grading one submission: what the grader knows of an assignment before it starts (plan),
the student's kernel in its limits and sandbox (sandbox, enter_limits), nbgrader's
autograde and feedback pages (worker) in a process of its own with a time limit (process),
and what it found (results)."""
