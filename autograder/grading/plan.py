"""What grading knows of an assignment before it grades any submission.

- AssignmentPlan: read from the course's sources, the same on every machine: the
  notebooks, the test cells with their points, the answer cells as released. The
  coordinator has one; so does every grading process.
- TemplateCourse: a course folder in which the assignment has been generated once
  (nbgrader's gradebook knows its test cells and points); each submission is graded in a
  copy of it. Every machine that grades prepares its own.
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI

from autograder import judge
from autograder.course import RELEASE_DIR, SOURCE_DIR, copy_assignment_source, nbgrader_config


@dataclass(frozen=True)
class TestCell:
    """A graded test cell, and the answer cell it grades (the nearest solution cell above)."""
    notebook: str
    grade_id: str
    max_points: float
    answer_cell: str | None

    __test__ = False   # not a pytest test class, for all its name


@dataclass(frozen=True)
class AssignmentPlan:
    assignment: str
    notebooks: tuple[str, ...]
    tests: tuple[TestCell, ...]
    released_answers: dict[str, dict[str, str]]   # notebook -> {answer cell: source as released}

    @property
    def max_score(self):
        return sum(t.max_points for t in self.tests)

    @classmethod
    def read(cls, assignment):
        """The plan of solutions/ASSIGNMENT, with the stubs of exercises/ASSIGNMENT."""
        tests, released = [], {}
        notebooks = sorted(p.stem for p in (SOURCE_DIR / assignment).glob("*.ipynb"))
        for name in notebooks:
            nb = nbformat.read(SOURCE_DIR / assignment / f"{name}.ipynb", as_version=4)
            answer_cell = None
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    answer_cell = meta["grade_id"]
                elif meta.get("grade") and cell.cell_type == "code":
                    tests.append(TestCell(name, meta["grade_id"], float(meta["points"]), answer_cell))
            released[name] = answer_cells(RELEASE_DIR / assignment / f"{name}.ipynb")
        return cls(assignment, tuple(notebooks), tuple(tests), released)

    def present_notebooks(self, folder):
        """The assignment's notebooks that a submission folder holds."""
        return [n for n in self.notebooks if (Path(folder) / f"{n}.ipynb").is_file()]

    def not_attempted(self, submitted):
        """The answer cells the student left exactly as released (or deleted), in order: the
        functions not attempted, which a zero alone does not tell from wrong attempts."""
        left = []
        for name in self.notebooks:
            answers = answer_cells(Path(submitted) / f"{name}.ipynb")
            left += [grade_id for grade_id, stub in self.released_answers[name].items()
                     if answers.get(grade_id, stub) == stub]
        return left

    def released_code(self):
        """Every answer cell as released, one text (code every student starts from)."""
        return "\n\n".join(stub for cells in self.released_answers.values() for stub in cells.values())


def answer_cells(path):
    """grade_id -> source of each solution cell of a notebook ({} when it is missing)."""
    if not Path(path).is_file():
        return {}
    nb = nbformat.read(path, as_version=4)
    return {cell.metadata.nbgrader["grade_id"]: cell.source for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


@dataclass(frozen=True)
class TemplateCourse:
    plan: AssignmentPlan
    root: Path
    compiled_templates: Path   # the feedback templates compiled once, for every copy
    course_id: str

    @property
    def assignment(self):
        return self.plan.assignment

    @classmethod
    def prepare(cls, assignment, root):
        """Generate the assignment once in the folder `root`."""
        root = Path(root)
        copy_assignment_source(assignment, root)
        config = nbgrader_config(root)
        result = NbGraderAPI(config=config).generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {assignment}:\n{result.get('error', '')}")
        for source in (root / "solutions" / assignment).glob("*.ipynb"):
            judge.prepare(assignment, nbformat.read(source, as_version=4))  # shared by every fork
        (root / "compiled-templates").mkdir()
        return cls(AssignmentPlan.read(assignment), root, root / "compiled-templates",
                   config.CourseDirectory.course_id)
