"""Known mistakes: wrong ways to compute an answer, used to name what went wrong.

Each Mistake has a variant with the graded function's signature that computes the wrong
answer (or None where the mistake would not change the answer). They run in the grader,
never in the student's kernel: several are one step from the right answer."""
import numbers


class Mistake:
    """A known wrong way to compute an answer, as a function with the graded signature."""

    def __init__(self, name, explanation, variant):
        self.name = name
        self.explanation = explanation
        self.variant = variant

    def line(self):
        """The line of a failure message that names it (the class report counts it)."""
        return f"\nLikely mistake: {self.name}. {self.explanation}"

    def wrong_answer(self, args, kwargs):
        """What the variant computes here, or None where it does not apply or fails."""
        try:
            return self.variant(*args, **kwargs)
        except Exception:
            return None


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
