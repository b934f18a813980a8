"""Verdicts made outside the student's kernel.

A test cell, run in the kernel, calls the student's function on each case's inputs and
hands back the answers as plain data (autograder/kernel/checks.py). Here, in the grader:

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
import copy
import functools
import io
import math
import re
import sys
import types
from dataclasses import dataclass, field

from autograder.judge import ex01, ex02, ex03, ex04, ex05
from autograder.judge import patterns
from autograder.judge.mistakes import Failure, Mistake, Raising, failure, same_number
from autograder.kernel import checks as kernel_checks
from autograder.kernel.checks import Raised, Raises, call_text, decode, problem_with

# The assignments whose test cells hand back answers, and their references and mistakes.
ASSIGNMENTS = {
    "ex01-shapes-and-counts": ex01,
    "ex02-conv-by-hand": ex02,
    "ex03-backprop": ex03,
    "ex04-cnn-in-pytorch": ex04,
    "ex05-normalisation": ex05,
}

# A library the exercise forbids, refused inside the sandbox (see sandbox.withheld_packages);
# an exercise module may name it in its own words (LIBRARY_USED)
LIBRARY_USED = Mistake(
    "library convolution used",
    "This exercise is about writing the convolution yourself, so a library convolution "
    "earns no points here. numpy is fair, including sliding_window_view and einsum.", None)
WITHHELD = re.compile(r"^'(\w+)' is not available in this exercise")


@dataclass
class Case:
    """One call of a test cell: the function's name, its inputs, and what is expected
    (None: PyTorch's answer, computed here). For a probe (exercise 4), `function` is the
    probe's name, `args` holds the student's subject and options["probe"] the probe."""
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
        # copies: a test cell may change a model after handing it over (freeze a layer)
        self.cases.append(Case(fn.__name__, copy.deepcopy(tuple(args)), copy.deepcopy(dict(kwargs)),
                               expected, options))

    def observe(self, subject, probe, **kwargs):
        self.cases.append(Case(probe.__name__, (subject,), copy.deepcopy(kwargs), None, {"probe": probe}))

    def expect_raises(self, fn, args, kwargs, error_type, why):
        self.expect(fn, args, kwargs, Raises(error_type, why))


class _StudentFunction:
    """Stands in for a student's function in the grader: it has a name and is never called."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"the grader does not run student code ({self.__name__})")


def record_cases(setup_source, test_source, functions, helpers=None):
    """The cases a test cell checks, rebuilt by running the setup cell and the test cell
    here, with `checks` recording, each of `functions` a name only, and the course's
    `helpers` (module name: module) as the grader has them."""
    recorder = _Recorder()
    helpers = helpers or {}

    def course_import(name, *args, **kwargs):
        if name == "checks":
            return recorder
        return helpers[name] if name in helpers else builtins.__import__(name, *args, **kwargs)

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
    if "probe" in case.options:
        return module.PROBES[case.function][0](case)
    return module.REFERENCES[case.function](*case.args, **case.kwargs)


@functools.lru_cache(maxsize=256)
def expectations(assignment, setup_source, test_source):
    """The cases of a test cell and their expected values: the same for every student, so
    computed once per grading process (and once for a whole batch, in its parent)."""
    module = ASSIGNMENTS[assignment]
    cases = record_cases(setup_source, test_source, module.REFERENCES, getattr(module, "HELPERS", None))
    return cases, [_expected(module, case) for case in cases]


def before_cell(assignment, grade_id, folder):
    """Whatever the grader must give the kernel just before the test cell `grade_id` runs
    (in the notebook's `folder`, the kernel's working folder)."""
    module = ASSIGNMENTS.get(assignment)
    give = getattr(module, "BEFORE_CELL", {}).get(grade_id)
    if give is not None:
        give(folder)


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


def _number_mistake(mistakes, case, answer, expected, cases, answers, expected_values):
    """The known mistake that gives this wrong number here and agrees with the student's
    answers on most of the cell's other cases, or None."""
    if not isinstance(expected, int):
        return None
    candidates = [m for m in mistakes
                  if same_number(m.wrong_answer(case.args, case.kwargs), answer)
                  and not same_number(m.wrong_answer(case.args, case.kwargs), expected)
                  and _explains_all(m, cases, answers, expected_values)]
    candidates.sort(key=lambda m: -_agreement(m, cases, answers))   # ties: catalogue order
    return candidates[0] if candidates else None


def _comparison(case):
    """The options of a case that the comparison reads (rtol, atol, names)."""
    return {k: v for k, v in case.options.items() if k in ("rtol", "atol", "names")}


def _tolerances(case):
    """(rtol, atol) of an array case: the cell's, else the comparison's defaults."""
    return case.options.get("rtol", 1e-5), case.options.get("atol", 1e-6)


def _array_mistake(mistakes, case, answer, expected, part, cases, answers, expected_values):
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
        if wrong is None or isinstance(wrong, Raising):
            continue
        wrong = np.asarray(wrong if part is None else wrong[part], dtype="float64")
        same_as_right = wrong.shape == right.shape and kernel_checks.close(wrong, right, rtol, atol)
        if wrong.shape == got.shape and kernel_checks.close(got, wrong, rtol, atol) and not same_as_right \
                and _explains_all(mistake, cases, answers, expected_values):
            return mistake
    return None


def _same_answer(wrong, answer, case):
    """Whether a mistake's answer is the student's: the same number, or arrays (or tuples
    of arrays) of one shape, equal within the case's tolerances."""
    import numpy as np
    if isinstance(wrong, tuple):   # a part the mistake cannot predict (None) is not compared
        return isinstance(answer, (tuple, list)) and len(answer) == len(wrong) and all(
            w is None or _same_answer(w, a, case) for w, a in zip(wrong, answer))
    if isinstance(wrong, np.ndarray):
        return type(answer) is np.ndarray and answer.shape == wrong.shape and kernel_checks.close(
            answer.astype("float64"), wrong.astype("float64"), *_tolerances(case))
    return same_number(wrong, answer)


def _explains_all(mistake, cases, answers, expected_values):
    """Whether the mistake gives every answer the cell got back: an exception where it
    raises, its own answer where it changes the answer, the right one elsewhere."""
    for case, answer, expected in zip(cases, answers, expected_values):
        wrong = mistake.wrong_answer(case.args, case.kwargs)
        if wrong is None:
            if problem_with(case.function, case.args, case.kwargs, answer, expected, _comparison(case)):
                return False
            continue
        if isinstance(wrong, Raising):
            if not isinstance(answer, Raised) or not wrong.matches(answer):
                return False
        elif not _same_answer(wrong, answer, case):
            return False
    return True


def _raising_mistake(mistakes, case, cases, answers, expected_values):
    """The known mistake that raises here and explains every answer of the cell, or None."""
    return next((m for m in mistakes if isinstance(m.wrong_answer(case.args, case.kwargs), Raising)
                 and _explains_all(m, cases, answers, expected_values)), None)


def _diagnosis(module, case, answer, expected, cases, answers, expected_values):
    """(the known mistake that explains this answer or None, a hint or "")."""
    mistakes = module.MISTAKES.get(case.function, [])
    if isinstance(answer, Raised):
        if answer.is_a(ImportError) and WITHHELD.match(answer.message):
            return getattr(module, "LIBRARY_USED", LIBRARY_USED), ""
        return _raising_mistake(mistakes, case, cases, answers, expected_values), ""
    if isinstance(expected, Raises):
        return None, ""
    if isinstance(expected, int) and not isinstance(expected, bool):
        mistake = _number_mistake(mistakes, case, answer, expected, cases, answers, expected_values)
        if mistake is None and isinstance(answer, float) and math.isfinite(answer):
            return None, "\nSizes and counts are whole numbers: use // rather than /, or int()."
        return mistake, ""
    part = None
    if _is_tuple_answer(answer, expected):
        part = _wrong_part(case, answer, expected)
        if part is None:
            return None, ""
    return _array_mistake(mistakes, case, answer, expected, part, cases, answers, expected_values), ""


def _is_tuple_answer(answer, expected):
    return isinstance(expected, tuple) and isinstance(answer, (tuple, list)) and len(answer) == len(expected)


def _wrong_part(case, answer, expected):
    """The index of the first wrong part of a tuple answer, or None."""
    found = kernel_checks.arrays_problem(call_text(case.function, case.args, case.kwargs), answer,
                                         expected, *_tolerances(case), case.options.get("names"))
    return found[0] if found else None


def name_mistake(function, args, kwargs, answer, expected, options):
    """The line naming the known mistake that explains one wrong answer of a visible test,
    or "" (for the kernel in a student's JupyterLab, where the expected value is the cell's)."""
    module = next((m for m in ASSIGNMENTS.values() if function in m.REFERENCES), None)
    if module is None:
        return ""
    case = Case(function, tuple(args), dict(kwargs), expected, dict(options))
    try:
        mistake, hint = _diagnosis(module, case, answer, expected, [case], [answer], [expected])
    except Exception:   # a name is a help, never a reason for a test to crash
        return ""
    return (mistake.line() if mistake else "") + hint


def _case_text(case):
    """A case as a message names it: the call, or for a probe the test and its settings."""
    if "probe" not in case.options:
        return call_text(case.function, case.args, case.kwargs)
    settings = ", ".join(f"{k}={v!r}" for k, v in case.kwargs.items())
    return f"the {case.function.removeprefix('run_')} test" + (f" ({settings})" if settings else "")


def judge_cell(assignment, setup, source, answers, kernel_error=None, failing=()):
    """(number of cases, None) when every answer of the test cell `source` is right; else
    (number of cases, the Failure of the first wrong one). No case: (0, None).

    `answers`: (function name, plain data) in the order the kernel handed them back;
    `kernel_error`: the error that stopped the cell in the kernel, if any; `failing`: the
    student's functions whose test cells above failed (see tested_functions)."""
    module = ASSIGNMENTS[assignment]
    cases, expected_values = expectations(assignment, setup, source)
    decoded = [decode(data) for _, data in answers]
    for index, (case, expected) in enumerate(zip(cases, expected_values)):
        if index >= len(answers):   # answers pair with cases by order: names may differ
            why = f": {kernel_error}" if kernel_error else ""
            return len(cases), Failure(f"The test stopped before {_case_text(case)} gave an answer{why}.")
        answer = decoded[index]
        if "probe" in case.options:
            problem = _observation_problem(module, case, answer, expected)
            if problem:
                return len(cases), _fix_first(module, case, problem, failing)
            continue
        problem = problem_with(case.function, case.args, case.kwargs, answer, expected, _comparison(case))
        if problem:
            # a mistake must explain every answer, bar the invalid inputs that must raise
            # (the catalogue's variants are wrong formulas, not wrong validations)
            formula = [(c, a, e) for c, a, e in zip(cases, decoded, expected_values) if not isinstance(e, Raises)]
            mistake, hint = _diagnosis(module, case, answer, expected, [c for c, _, _ in formula],
                                       [a for _, a, _ in formula], [e for _, _, e in formula])
            if mistake is None and not hint:
                hint = _pattern(module, case, answer, expected, formula)
            return len(cases), Failure(problem + hint, mistake)
    return len(cases), None


def _pattern(module, case, answer, expected, formula):
    """Facts about where the answers go wrong, for a failure no known mistake explains:
    which inputs all the wrong answers share, where the wrong values or axes are."""
    import numpy as np
    facts = []
    try:
        wrong = [problem_with(c.function, c.args, c.kwargs, a, e, _comparison(c)) is not None
                 for c, a, e in formula]
        same_function = [(c, bad) for (c, _, _), bad in zip(formula, wrong) if c.function == case.function]
        together = patterns.separating(module.REFERENCES[case.function], *zip(*same_function)) \
            if same_function else []
        if together:
            also = f" (here, equally, those with {' or '.join(together[1:])})" if together[1:] else ""
            facts.append(f"every case with {together[0]}{also} is wrong, and every case without is right")
        got, right = answer, expected
        if _is_tuple_answer(answer, expected):
            part = _wrong_part(case, answer, expected)
            got, right = (answer[part], expected[part]) if part is not None else (None, None)
        if type(got) is np.ndarray and isinstance(right, np.ndarray):
            place = (patterns.shape_fact(got.shape, right.shape) if got.shape != right.shape
                     else patterns.where_wrong(got.astype("float64"), right.astype("float64"), *_tolerances(case)))
            if place:
                facts.append(place)
    except Exception:   # a fact is a help, never a reason for a test to crash
        return ""
    return f"\nWhere it goes wrong: {'; '.join(facts)}." if facts else ""


def tested_functions(assignment, setup, source):
    """The names of the student's functions (or classes) the test cell `source` checks."""
    names = set()
    for case in expectations(assignment, setup, source)[0]:
        names.update(kernel_checks.subject_names(case.args[0]) if "probe" in case.options
                     else [case.function])
    return names


def _fix_first(module, case, problem, failing):
    """A probe's Failure, naming first the student's functions it was built with that fail
    their own tests (an exercise's BUILT_WITH): the fix to make before any other."""
    broken = [name for name in getattr(module, "BUILT_WITH", {}).get(case.function, ()) if name in failing]
    return Failure(module.fix_first(problem.message, broken), problem.mistake) if broken else problem


def _observation_problem(module, case, seen, expected):
    """What was wrong in what a probe saw (a Failure), or None."""
    if not isinstance(seen, dict):   # the probe itself failed on the student's object
        why = f"{seen.name}: {seen.message}" if isinstance(seen, Raised) else "it handed back nothing usable"
        return Failure(f"The{_case_text(case)[3:]} could not run on your code ({why}).")
    try:
        return failure(module.PROBES[case.function][1](case, seen, expected))
    except (KeyError, TypeError, AttributeError, IndexError, ValueError) as error:
        # what came back is not what the course's probe hands back: forged or broken
        return Failure(f"The{_case_text(case)[3:]} handed back something the course's test "
                       f"never sends ({type(error).__name__}: {error}).")


def observation_problem(probe_name, subject, kwargs, seen, failing=()):
    """The verdict on what a probe saw in a student's JupyterLab (the kernel asks; while
    grading the grader judges instead): the message, or None. `failing`: the functions
    whose tests failed when last run in that kernel."""
    module = next((m for m in ASSIGNMENTS.values() if probe_name in getattr(m, "PROBES", {})), None)
    if module is None:
        return None
    if isinstance(seen, dict) and "missing" in seen:   # data only the grader gives
        print(f"(The grader gives this test its data ({seen['missing']}) when it grades: "
              "it runs then.)", file=sys.stderr)
        return None
    probe = getattr(module.HELPERS["probes"], probe_name)
    case = Case(probe_name, (subject,), dict(kwargs), None, {"probe": probe})
    found = _observation_problem(module, case, seen, _expected(module, case))
    return _fix_first(module, case, found, failing).text if found else None
