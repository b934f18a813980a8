from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import judge
from autograder.kernel.checks import ANSWER_TYPE

MISTAKE_KEY = "cnn_course_mistake"   # cell metadata: the known mistake a failed test names


def _answers(outputs):
    """The answers a cell's outputs hand back, in order: (function name, plain data)."""
    found = []
    for output in outputs:
        value = output.get("data", {}).get(ANSWER_TYPE) if output.get("output_type") == "display_data" else None
        answers = value.get("answers") if isinstance(value, dict) else None
        for answer in answers if isinstance(answers, list) else []:
            if isinstance(answer, list) and len(answer) == 2:   # [function name, answer]
                found.append((str(answer[0]), answer[1] or {}))
    return found


def _kernel_error(outputs):
    errors = [o for o in outputs if o.get("output_type") == "error"]
    return f"{errors[-1]['ename']}: {errors[-1]['evalue']}" if errors else None


class JudgeAnswers(NbGraderPreprocessor):
    """Grade each test cell from the answers the kernel handed back, outside the kernel.

    Runs after the notebook has executed and before nbgrader reads the scores: a test
    cell's outputs are replaced by the verdict (an error with the message when a case is
    wrong, else what the cell printed), so nbgrader scores the grader's verdict, never the
    kernel's. The answers themselves are removed from every cell, and the known mistake a
    failure names is kept as data in the cell's metadata (MISTAKE_KEY).

    The cells the grader runs to rebuild the cases are the course's, read from the
    gradebook by grade_id, never the submitted notebook's: a cell a student adds or marks
    as a test runs nowhere but in the kernel.
    """

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        assignment = info.get("assignment")
        judged = assignment in judge.ASSIGNMENTS
        course_cells, tests = {}, set()
        if judged:
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], assignment)
                course_cells = {c.name: c.source for c in notebook.source_cells}
                tests = {c.name for c in notebook.grade_cells if c.cell_type == "code"}
        setup = course_cells.get("setup", "")
        failing = set()   # the functions whose test cells above failed: a later test may depend on them
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            answers, error = _answers(cell.outputs), _kernel_error(cell.outputs)
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "display_data" and ANSWER_TYPE in o.get("data", {}))]
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if not judged or not utils.is_grade(cell) or utils.is_solution(cell) \
                    or grade_id not in tests:
                continue
            cases, failure = judge.judge_cell(assignment, setup, course_cells[grade_id], answers, error,
                                              failing)
            if not cases:
                continue   # a test cell that checks in the kernel alone
            if failure:
                failing |= judge.tested_functions(assignment, setup, course_cells[grade_id])
                message = failure.text
                cell.outputs = [new_output("error", ename="AssertionError", evalue=message,
                                           traceback=[message])]
                if failure.mistake:   # as data, for the class report
                    cell.metadata[MISTAKE_KEY] = {"id": failure.mistake.id, "name": failure.mistake.name}
            else:
                cell.outputs = [o for o in cell.outputs
                                if o.get("output_type") == "stream" and o.get("name") == "stdout"]
        return nb, resources
