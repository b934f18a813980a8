# nbgrader reads this file from the folder it runs in (the repository root).
# The course's settings live in autograder/nbgrader_config.py, shared with the batch grader.
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
if ROOT not in sys.path:  # so that the settings can name the course's own preprocessors
    sys.path.insert(0, ROOT)  # (once: Jupyter's nbgrader extensions reload this file often)
load_subconfig(os.path.join(ROOT, "autograder", "nbgrader_config.py"))  # noqa: F821
