"""nbgrader preprocessors of this course, one per file."""
from .show_test_messages_only import ShowTestMessagesOnly

__all__ = ["ShowTestMessagesOnly"]
