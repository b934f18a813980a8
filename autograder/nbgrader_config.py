# nbgrader settings for this course, used by plain `nbgrader` (through the root
# nbgrader_config.py) and by `python -m autograder grade`.
from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from autograder.preprocessors import ShowTestMessagesOnly

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "solutions"   # notebooks with solutions and hidden tests
c.CourseDirectory.release_directory = "exercises"  # what students get

# Per-cell limit while grading: the slowest graded cell (training a small CNN) takes
# well under this; an endless loop in one cell costs that cell, not the whole notebook.
c.ExecutePreprocessor.timeout = 180

# Feedback shows each test's name, points and message, never the hidden tests' code.
# Order matters: grades are read before the hidden code and tracebacks are removed.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    ShowTestMessagesOnly,
    CSSHTMLHeaderPreprocessor,
]
