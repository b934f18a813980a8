from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import judge
from autograder.kernel_checks import ANSWER_TYPE


def _answers(outputs):
    """The answers a cell's outputs hand back, in order: (function name, plain data)."""
    found = []
    for output in outputs:
        value = output.get("data", {}).get(ANSWER_TYPE) if output.get("output_type") == "display_data" else None
        if isinstance(value, dict):
            found.append((str(value.get("function")), value.get("answer") or {}))
    return found


def _kernel_error(outputs):
    errors = [o for o in outputs if o.get("output_type") == "error"]
    return f"{errors[-1]['ename']}: {errors[-1]['evalue']}" if errors else None


class JudgeAnswers(NbGraderPreprocessor):
    """Grade each test cell from the answers the kernel handed back, outside the kernel.

    Runs after the notebook has executed and before nbgrader reads the scores: a test
    cell's outputs are replaced by the verdict (an error with the message when a case is
    wrong, else what the cell printed), so nbgrader scores the grader's verdict, never the
    kernel's. The answers themselves are removed from every cell.
    """

    def preprocess(self, nb, resources):
        assignment = resources.get("nbgrader", {}).get("assignment")
        judged = assignment in judge.ASSIGNMENTS
        setup = judge.setup_source(nb)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            answers, error = _answers(cell.outputs), _kernel_error(cell.outputs)
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "display_data" and ANSWER_TYPE in o.get("data", {}))]
            if not judged or not utils.is_grade(cell) or utils.is_solution(cell):
                continue
            cases, message = judge.judge_cell(assignment, setup, cell.source, answers, error)
            if not cases:
                continue   # a test cell that checks in the kernel alone
            if message:
                cell.outputs = [new_output("error", ename="AssertionError", evalue=message,
                                           traceback=[message])]
            else:
                cell.outputs = [o for o in cell.outputs
                                if o.get("output_type") == "stream" and o.get("name") == "stdout"]
        return nb, resources
