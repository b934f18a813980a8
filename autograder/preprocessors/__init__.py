"""nbgrader preprocessors of this course, one per file."""
from .drop_duplicate_grade_ids import DropDuplicateGradeIds
from .execute_with_limits import ExecuteWithLimits
from .judge_answers import JudgeAnswers
from .overwrite_edited_cells import OverwriteEditedCells
from .sanitize_student_html import SanitizeForFormgrader, SanitizeStudentHTML
from .show_test_messages_only import ShowTestMessagesOnly

__all__ = ["DropDuplicateGradeIds", "ExecuteWithLimits", "JudgeAnswers", "OverwriteEditedCells",
           "SanitizeForFormgrader", "SanitizeStudentHTML", "ShowTestMessagesOnly"]
