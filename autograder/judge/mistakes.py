"""Known mistakes: wrong ways to compute an answer, used to name what went wrong.

Each Mistake has a variant with the graded function's signature that computes the wrong
answer (or None where the mistake would not change the answer). They run in the grader,
never in the student's kernel: several are one step from the right answer."""
import numbers
import re
from dataclasses import dataclass


class Mistake:
    """A known wrong way to compute an answer, as a function with the graded signature."""

    def __init__(self, name, explanation, variant):
        self.name = name
        self.explanation = explanation
        self.variant = variant

    @property
    def id(self):
        """What the class report counts it by: its name, in lower case, words joined by -."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def line(self):
        """The line of a failure message that names it."""
        return f"\nLikely mistake: {self.name}. {self.explanation}"

    def wrong_answer(self, args, kwargs):
        """What the variant computes here, or None where it does not apply or fails."""
        import warnings
        try:
            with warnings.catch_warnings():   # a variant on an input it does not fit
                warnings.simplefilter("ignore")
                return self.variant(*args, **kwargs)
        except Exception:
            return None


class Raising:
    """What a mistake's variant gives where the mistake makes the function raise: the
    student's answer must be an exception there, and of one of `kinds` (exception class
    names) when they are given, so that any crash is not taken for this mistake's."""

    def __init__(self, *kinds):
        self.kinds = kinds

    def matches(self, raised):
        return raised.name != "NotImplementedError" and (not self.kinds or raised.name in self.kinds)


RAISES = Raising()
# A size refused on purpose: an assert, or a raise the student wrote.
REFUSES = Raising("AssertionError", "ValueError", "RuntimeError", "Exception")


def both(first, second, variant):
    """Two mistakes made together in one function, as one: real code often has two bugs,
    and then neither alone explains the answers."""
    return Mistake(f"{first.name}, and {second.name}", f"{first.explanation} {second.explanation}",
                   variant)


class Mistakes(list):
    """The known mistakes of one function, with inputs (`probes`) on which each of them
    gives a different answer (a test checks that the catalogue can tell them apart)."""

    def __init__(self, mistakes, probes=()):
        super().__init__(mistakes)
        self.probes = list(probes)


def plain_number(value):
    """An exact int or float (no bool, no object pretending to be a number), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def same_number(a, b):
    a, b = plain_number(a), plain_number(b)
    return a is not None and b is not None and type(a) is type(b) and a == b


def pair(value):
    """(height, width) from an int or a pair, as the graded functions read their arguments."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


@dataclass
class Failure:
    """A failed test's message, and the known mistake that explains it, if one does: the
    mistake travels as data to results.json and the class report, never parsed back out
    of the sentence."""
    message: str
    mistake: Mistake = None

    @property
    def text(self):
        return self.message + (self.mistake.line() if self.mistake else "")


def failure(problem):
    """A problem function's answer (None, a sentence, or a Failure) as a Failure or None."""
    return problem if problem is None or isinstance(problem, Failure) else Failure(problem)
