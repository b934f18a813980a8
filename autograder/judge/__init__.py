"""Verdicts made outside the student's kernel.

A test cell, run in the kernel, calls the student's function on each case's inputs and
hands back the answers as plain data (autograder/kernel_checks.py). Here, in the grader:

1. the same test cell runs again, with the notebook's setup cell, in the grader's own
   process and libraries, but with a recorder in place of `checks`: it rebuilds every
   case (inputs from the cell's seeds, the visible expected values, tolerances) without
   calling any student code;
2. each case's expected value is the visible one, or PyTorch's answer (`REFERENCES`);
3. the answers are compared in order; the first wrong one fails the test, with the
   message the student sees and, when a known mistake explains it, that mistake's name.

Nothing the kernel does can change the inputs, the expected values or the comparison.
"""
import builtins
import contextlib
import functools
import io
import math
import re
import types
from dataclasses import dataclass, field

from autograder import kernel_checks
from autograder.judge import ex01, ex02, ex03
from autograder.judge.mistakes import Mistake, same_number
from autograder.kernel_checks import Raised, Raises, call_text, decode, problem_with

# The assignments whose test cells hand back answers, and their references and mistakes.
ASSIGNMENTS = {
    "ex01-shapes-and-counts": ex01,
    "ex02-conv-by-hand": ex02,
    "ex03-backprop": ex03,
}

# A library the exercise forbids, refused inside the sandbox (see sandbox.withheld_packages)
LIBRARY_USED = Mistake(
    "library convolution used",
    "This exercise is about writing the convolution yourself, so a library convolution "
    "earns no points here. numpy is fair, including sliding_window_view and einsum.", None)
WITHHELD = re.compile(r"^'(\w+)' is not available in this exercise")


@dataclass
class Case:
    """One call of a test cell: the function's name, its inputs, and what is expected
    (None: PyTorch's answer, computed here)."""
    function: str
    args: tuple
    kwargs: dict
    expected: object = None
    options: dict = field(default_factory=dict)


class _Recorder(types.ModuleType):
    """Stands in for `checks` while the grader reruns a test cell: records the cases."""

    def __init__(self):
        super().__init__("checks")
        self.cases = []

    def expect(self, fn, args, kwargs, expected=None, **options):
        self.cases.append(Case(fn.__name__, tuple(args), dict(kwargs), expected, options))

    def expect_raises(self, fn, args, kwargs, error_type, why):
        self.expect(fn, args, kwargs, Raises(error_type, why))


class _StudentFunction:
    """Stands in for a student's function in the grader: it has a name and is never called."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"the grader does not run student code ({self.__name__})")


def record_cases(setup_source, test_source, functions):
    """The cases a test cell checks, rebuilt by running the setup cell and the test cell
    here, with `checks` recording and each of `functions` a name only."""
    recorder = _Recorder()

    def course_import(name, *args, **kwargs):
        return recorder if name == "checks" else builtins.__import__(name, *args, **kwargs)

    namespace = {"__builtins__": {**vars(builtins), "__import__": course_import},
                 "__name__": "__test_cell__"}
    with contextlib.redirect_stdout(io.StringIO()):   # the cells' own prints
        exec(compile(setup_source, "<setup cell>", "exec"), namespace)
        namespace.update({name: _StudentFunction(name) for name in functions})
        namespace["checks"] = recorder
        exec(compile(test_source, "<test cell>", "exec"), namespace)
    return recorder.cases


def _expected(module, case):
    if case.expected is not None:
        return case.expected
    return module.REFERENCES[case.function](*case.args, **case.kwargs)


@functools.lru_cache(maxsize=256)
def expectations(assignment, setup_source, test_source):
    """The cases of a test cell and their expected values: the same for every student, so
    computed once per grading process (and once for a whole batch, in its parent)."""
    module = ASSIGNMENTS[assignment]
    cases = record_cases(setup_source, test_source, module.REFERENCES)
    return cases, [_expected(module, case) for case in cases]


def prepare(assignment, notebook):
    """Compute the expected values of every test cell of a source notebook in advance."""
    if assignment not in ASSIGNMENTS:
        return
    setup = setup_source(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") \
                and not cell.metadata.get("nbgrader", {}).get("solution"):
            expectations(assignment, setup, cell.source)


def setup_source(notebook):
    """The source of the notebook's setup cell (imports and helpers the tests use)."""
    return next((c.source for c in notebook.cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"), "")


def _agreement(mistake, cases, answers):
    """On how many of the cell's cases the student's answer is what the mistake gives."""
    agree = 0
    for case, answer in zip(cases, answers):
        wrong = mistake.wrong_answer(case.args, case.kwargs)
        agree += wrong is not None and same_number(wrong, answer)
    return agree


def _number_mistake(mistakes, case, answer, expected, cases, answers):
    """The known mistake that gives this wrong number here and agrees with the student's
    answers on most of the cell's other cases, or None."""
    if not isinstance(expected, int):
        return None
    candidates = [m for m in mistakes
                  if same_number(m.wrong_answer(case.args, case.kwargs), answer)
                  and not same_number(m.wrong_answer(case.args, case.kwargs), expected)]
    candidates.sort(key=lambda m: -_agreement(m, cases, answers))   # ties: catalogue order
    return candidates[0] if candidates else None


def _tolerances(case):
    """(rtol, atol) of an array case: the cell's, else the comparison's defaults."""
    return case.options.get("rtol", 1e-5), case.options.get("atol", 1e-6)


def _array_mistake(mistakes, case, answer, expected, part):
    """The first known mistake whose answer equals the student's (for a tuple, in the
    part that is wrong) and differs from the right one there."""
    import numpy as np
    rtol, atol = _tolerances(case)
    got = answer if part is None else answer[part]
    right = expected if part is None else expected[part]
    if type(got) is not np.ndarray:
        return None
    right = np.asarray(right, dtype="float64")
    got = got.astype("float64")
    for mistake in mistakes:
        wrong = mistake.wrong_answer(case.args, case.kwargs)
        if wrong is None:
            continue
        wrong = np.asarray(wrong if part is None else wrong[part], dtype="float64")
        same_as_right = wrong.shape == right.shape and kernel_checks.close(wrong, right, rtol, atol)
        if wrong.shape == got.shape and kernel_checks.close(got, wrong, rtol, atol) and not same_as_right:
            return mistake
    return None


def _diagnosis(module, case, answer, expected, cases, answers):
    """The line naming a known mistake that explains this answer, or ""."""
    if isinstance(answer, Raised):
        found = WITHHELD.match(answer.message) if answer.is_a(ImportError) else None
        return LIBRARY_USED.line() if found else ""
    mistakes = module.MISTAKES.get(case.function, [])
    if isinstance(expected, Raises):
        return ""
    if isinstance(expected, int) and not isinstance(expected, bool):
        mistake = _number_mistake(mistakes, case, answer, expected, cases, answers)
        if mistake:
            return mistake.line()
        if isinstance(answer, float) and math.isfinite(answer):
            return "\nSizes and counts are whole numbers: use // rather than /, or int()."
        return ""
    names = case.options.get("names")
    part = None
    if isinstance(expected, tuple) and isinstance(answer, (tuple, list)) and len(answer) == len(expected):
        call = call_text(case.function, case.args, case.kwargs)
        found = kernel_checks.arrays_problem(call, answer, expected, *_tolerances(case), names)
        part = found[0] if found else None
        if part is None:
            return ""
    mistake = _array_mistake(mistakes, case, answer, expected, part)
    return mistake.line() if mistake else ""


def name_mistake(function, args, kwargs, answer, expected, options):
    """The line naming the known mistake that explains one wrong answer of a visible test,
    or "" (for the kernel in a student's JupyterLab, where the expected value is the cell's)."""
    module = next((m for m in ASSIGNMENTS.values() if function in m.REFERENCES), None)
    if module is None:
        return ""
    case = Case(function, tuple(args), dict(kwargs), expected, dict(options))
    try:
        return _diagnosis(module, case, answer, expected, [case], [answer])
    except Exception:   # a name is a help, never a reason for a test to crash
        return ""


def judge_cell(assignment, setup, source, answers, kernel_error=None):
    """(number of cases, None) when every answer of the test cell `source` is right; else
    (number of cases, the message of the first wrong one). No case: (0, None).

    `answers`: (function name, plain data) in the order the kernel handed them back;
    `kernel_error`: the error that stopped the cell in the kernel, if any."""
    module = ASSIGNMENTS[assignment]
    cases, expected_values = expectations(assignment, setup, source)
    decoded = [decode(data) for _, data in answers]
    for index, (case, expected) in enumerate(zip(cases, expected_values)):
        if index >= len(answers):   # answers pair with cases by order: names may differ
            call = call_text(case.function, case.args, case.kwargs)
            why = f": {kernel_error}" if kernel_error else ""
            return len(cases), f"The test stopped before {call} gave an answer{why}."
        answer = decoded[index]
        options = {k: v for k, v in case.options.items() if k in ("rtol", "atol", "names")}
        problem = problem_with(case.function, case.args, case.kwargs, answer, expected, options)
        if problem:
            return len(cases), problem + _diagnosis(module, case, answer, expected,
                                                    cases[:len(decoded)], decoded)
    return len(cases), None
