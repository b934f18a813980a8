"""After grading: the class report, near-identical code, the course's nbgrader gradebook
and the LMS export."""
