from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds


class DropDuplicateGradeIds(DeduplicateIds):
    """When a student copies an nbgrader cell, keep the last copy as the graded one and
    turn the others into ordinary cells.

    nbgrader's DeduplicateIds leaves the copies with empty nbgrader metadata, which its
    own metadata check then rejects as an "old format" notebook: the whole submission
    failed to grade. Removing the metadata entirely grades it normally.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell):
            grade_id = cell.metadata.nbgrader["grade_id"]
            if grade_id in self.grade_ids:
                self.log.warning("Cell with id '%s' exists multiple times: the copy is "
                                 "kept as an ordinary cell", grade_id)
                del cell.metadata["nbgrader"]
            else:
                self.grade_ids.add(grade_id)
        return cell, resources
