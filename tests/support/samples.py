"""Student submissions for tests and benchmarks: the released notebook with answers filled
in, from the solutions or from the sample mistakes under tests/data/submissions/."""
import ast
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "tests" / "data" / "submissions"


def strip_solution_markers(source):
    return "\n".join(line for line in source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def solution_answers(assignment):
    """grade_id -> the solution cell's code, as a student who got everything right wrote it."""
    path = REPO / "solutions" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: strip_solution_markers(cell.source)
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")}


def sample(assignment, name, folder=SAMPLES):
    """A sample submission under tests/data/submissions/ (or `folder`): its answers and
    expectations.

    Returns (answers, constants): the solution's answers with each top-level function or
    class of the sample written after the right one in the cell that defines it (the later
    definition wins; a helper of the sample's own goes with the functions before it), and
    the module-level constants (EXPECTED_MISTAKE, LOST_TESTS...). A constant CELLS
    (grade_id -> code) replaces whole answer cells, such as a training cell.
    """
    source = (folder / assignment / f"{name}.py").read_text()
    tree = ast.parse(source)
    functions = {node.name: ast.get_source_segment(source, node)
                 for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    constants = {target.id: ast.literal_eval(node.value)
                 for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    answers = solution_answers(assignment)
    cell = None
    for function, code in functions.items():
        cell = next((grade_id for grade_id, answer in answers.items()
                     if f"def {function}(" in answer or f"class {function}(" in answer), cell)
        if cell is None:   # a helper written before any graded function: it goes with the first
            cell = next(grade_id for grade_id, answer in answers.items()
                        if any(f"def {other}(" in answer for other in functions))
        answers[cell] += "\n\n\n" + code
    answers.update(constants.get("CELLS", {}))
    return answers, constants


def make_submission(assignment, folder, answers=None):
    """Write the released notebook into `folder`, with `answers` (grade_id -> code)
    filled into the solution cells, the way a student saves their work."""
    released = REPO / "exercises" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and grade_id in answers:
            cell.source = answers[grade_id]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    return folder / f"{assignment}.ipynb"


def points_by_test(assignment):
    """grade_id -> points, for each test cell of the assignment."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")}


def points_of(assignment, function):
    """Points of the test cells that grade `function` (their grade_id starts with its name)."""
    return sum(p for grade_id, p in points_by_test(assignment).items() if grade_id.startswith(function + "_"))


def total_points(assignment):
    """Points of all the assignment's test cells."""
    return sum(points_by_test(assignment).values())
