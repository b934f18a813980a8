# nbgrader settings for this course, used by plain `nbgrader` (through the root
# nbgrader_config.py) and by `python -m autograder grade`.
import os

import nbgrader
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    ClearOutput, GetGrades, IgnorePattern, LimitOutput,
                                    OverwriteKernelspec, SaveAutoGrades)

from autograder.grading.feedback_exporter import FeedbackExporter
from autograder.grading.sandbox import SandboxedKernelManager, clean_environment_command
from autograder.preprocessors import (DropDuplicateGradeIds, ExecuteWithLimits, JudgeAnswers,
                                      OverwriteEditedCells, SanitizeForFormgrader,
                                      SanitizeStudentHTML, ShowTestMessagesOnly)

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "cnn-course"
c.CourseDirectory.source_directory = "solutions"   # notebooks with solutions and hidden tests
c.CourseDirectory.release_directory = "exercises"  # what students get

# A student's kernel starts with none of the grader's environment variables (tokens,
# passwords, keys). The batch grader adds limits, a sandbox and another user to this.
c.ExecuteWithLimits.kernel_manager = SandboxedKernelManager
c.SandboxedKernelManager.command_prefix = clean_environment_command()

# Per-cell limit while grading: the slowest graded cell (training a small CNN) takes
# well under this; an endless loop in one cell costs that cell, not the whole notebook.
c.ExecutePreprocessor.timeout = 180

# nbgrader's steps that clean a submission before running it, with its DeduplicateIds
# replaced (a copied test cell made the whole submission fail) and its OverwriteCells
# silent about untouched test cells (it warned for every hidden test). Order matters:
# copies are dropped before the graded cells are restored from the gradebook, then checked.
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DropDuplicateGradeIds,
    OverwriteKernelspec,
    OverwriteEditedCells,
    CheckCellMetadata,
]

# nbgrader's autograde steps, with Execute replaced by one that caps a cell's output while
# it runs (nbgrader's LimitOutput trims only afterwards, once everything is in memory).
# Order matters: execute; judge the answers the kernel handed back (before any trimming
# could drop one) and put the verdict in each test cell; clean and trim the outputs; then
# read the scores, which are the grader's verdicts.
c.Autograde.autograde_preprocessors = [
    ExecuteWithLimits,
    JudgeAnswers,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback HTML loads nothing from the internet: the course's templates come first and
# replace nbconvert's MathJax loader (maths is written as MathML instead); the course's
# feedback template names each test and extends nbgrader's, which does the rest.
c.GenerateFeedback.exporter_class = FeedbackExporter
c.FeedbackExporter.template_name = "course_feedback"
c.HTMLExporter.extra_template_basedirs = [
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates"),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]

# Feedback shows each test's name, points and message, never the hidden tests' code, and
# runs nothing of the student's (their HTML and SVG made inert, their JavaScript dropped).
# Order matters: grades are read before the hidden code and tracebacks are removed; the
# student's outputs are cleaned after every step that changes cells, so that what the
# cleaning leaves is what the page shows.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    ClearHiddenTests,
    ShowTestMessagesOnly,
    SanitizeStudentHTML,
    CSSHTMLHeaderPreprocessor,
]

# The formgrader shows each autograded notebook inside the instructor's Jupyter session
# through a plain HTMLExporter (its page has scripts of its own: no policy can forbid
# scripts there): the student's HTML, SVG and JavaScript outputs and their Markdown's HTML
# are cleaned out of it. The feedback exporter, an HTMLExporter too, cleans in its own
# steps above and keeps its MathML, so it takes neither setting.
c.HTMLExporter.preprocessors = [SanitizeForFormgrader]
c.HTMLExporter.sanitize_html = True
c.FeedbackExporter.preprocessors = []
c.FeedbackExporter.sanitize_html = False
