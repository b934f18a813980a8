"""Grading tools for the course: the nbgrader settings, feedback preprocessors, the
checks used by exercise test cells, and the batch grader (`python -m autograder`)."""
