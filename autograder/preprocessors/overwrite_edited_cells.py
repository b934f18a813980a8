from nbformat.notebooknode import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class OverwriteEditedCells(OverwriteCells):
    """nbgrader's OverwriteCells (every locked cell restored from the gradebook), silent
    about the cells a student did not touch.

    A released test cell lacks its hidden tests, so its checksum never matches the
    gradebook's: nbgrader warned "Attribute 'checksum' ... has changed!" for every hidden
    test of every untouched submission (nbgrader's issue #1961), about 6,500 lines for
    500 students of exercise 2, and a real edit drowned in them. Here a locked cell whose
    source is exactly the released one is restored without a word; any other change is
    reported as before, after a line that names the student.
    """

    _untouched = None  # grade id of the cell being restored, when it is as released

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and cell.source == self._released_source(grade_id):
            self._untouched = grade_id
        self._student = resources["nbgrader"].get("student")
        try:
            return super().preprocess_cell(cell, resources, cell_index)
        finally:
            self._untouched = None

    def _released_source(self, grade_id):
        """A locked cell's source as students received it: the gradebook's, without its
        hidden tests (removed by nbgrader's own ClearHiddenTests, as at release)."""
        try:
            source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        except MissingEntry:
            return None
        if not source_cell.locked:
            return None
        released = NotebookNode(source=source_cell.source)
        ClearHiddenTests()._remove_hidden_test_region(released)
        return released.source

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and name == self._untouched:
            return
        self.log.warning("Student %s changed locked cell %s of %s (its %s): the original is "
                         "graded instead", self._student, name, self.notebook_id, attr)
        super().report_change(name, attr, old, new)
