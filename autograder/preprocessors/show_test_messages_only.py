from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader import utils


class ShowTestMessagesOnly(NbGraderPreprocessor):
    """In feedback, reduce a failed test cell's error to its message.

    A traceback through a test cell prints the lines around the failure, hidden tests
    included. The student needs the message ("what was expected, what came back, on
    which input"), not the code that produced it.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if utils.is_grade(cell) and cell.cell_type == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
        return cell, resources
