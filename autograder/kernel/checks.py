"""What a test cell runs in the student's kernel (released next to each notebook as
checks.py): call the student's function on the test's inputs and hand the answer back as
plain data. Where the cell gives the expected value (a visible test) the answer is also
checked at once, so the test works in JupyterLab without a grader.

While grading, the kernel's word counts for nothing: the grader reads the answers handed
back, rebuilds the inputs by running the same test cell itself, computes the expected
values with its own libraries and makes the verdict (autograder/judge/). A hidden test
never gives an expected value to the kernel.

The comparisons below are the ones the grader uses too, so a visible test says the same
thing in JupyterLab and in the feedback.
"""
import base64
import math
import numbers
import types

__tracebackhide__ = True  # IPython hides this module's frames in tracebacks

ANSWER_TYPE = "application/vnd.cnn-course.answer+json"
# numeric array types an answer may carry (never object arrays: plain data only)
ARRAY_KINDS = "biuf"
MAX_TEXT = 2000
MESSAGE_WIDTH = 80   # columns of a failed test's message in JupyterLab and nbgrader validate


# ---------------------------------------------------------------------------------------
# Answers as plain data, and back.

class Raised:
    """The call raised: its exception's type name, the names of its base classes, and
    its message."""

    def __init__(self, name, bases, message):
        self.name, self.bases, self.message = name, list(bases), message

    def is_a(self, error_type):
        return error_type.__name__ in self.bases


class Other:
    """An answer that is not plain data (a class instance, a function...), by its type."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text


def encode(value):
    """The answer as JSON-ready plain data; numpy arrays as dtype, shape and bytes. Only
    the value travels: an int subclass arrives as a plain int, an array subclass as
    something that is not an array."""
    try:
        return _encode(value)
    except Exception as error:   # an object whose conversion fails is the answer's problem
        return {"other": type(value).__name__, "text": f"an object that failed to convert ({type(error).__name__})"}


def _encode(value):
    kind = type(value).__name__
    from_numpy = type(value).__module__ == "numpy"
    if value is None or isinstance(value, bool):
        return {"plain": value}
    if isinstance(value, int) or (from_numpy and isinstance(value, numbers.Integral)):
        return {"int": int(value)}
    if isinstance(value, float) or (from_numpy and isinstance(value, numbers.Real)):
        return {"float": repr(float(value))}   # repr keeps nan and inf
    if isinstance(value, str):
        return {"str": str(value)[:MAX_TEXT]}
    if type(value) in (tuple, list):
        return {"sequence": [encode(v) for v in value], "type": kind}
    if type(value) is dict:   # what a probe saw (exercise 4): string keys only
        return {"mapping": {str(k): encode(v) for k, v in value.items()}}
    if from_numpy and kind == "ndarray":
        if value.dtype.kind not in ARRAY_KINDS:
            return {"other": kind, "text": f"an array of {value.dtype}"}
        little = value.dtype.newbyteorder("<")
        return {"array": base64.b64encode(value.astype(little).tobytes()).decode("ascii"),
                "dtype": little.str, "shape": list(value.shape)}
    return {"other": kind, "text": repr(value)[:200]}


def encode_raised(error):
    bases = [cls.__name__ for cls in type(error).__mro__]
    try:
        message = str(error)[:MAX_TEXT]
    except Exception:
        message = ""
    return {"raised": type(error).__name__, "bases": bases, "message": message}


def decode(data):
    """Plain data back into an answer: int, float, str, None, bool, ndarray, tuple or
    list, dict, Raised, Other. Anything malformed becomes Other."""
    import numpy as np
    try:
        if "plain" in data:
            return data["plain"] if data["plain"] in (None, True, False) else Other("?", "?")
        if "int" in data:
            return int(data["int"])
        if "float" in data:
            return float(data["float"])
        if "str" in data:
            return str(data["str"])
        if "sequence" in data:
            items = [decode(d) for d in data["sequence"]]
            return tuple(items) if data.get("type") == "tuple" else items
        if "mapping" in data:
            return {str(k): decode(v) for k, v in data["mapping"].items()}
        if "array" in data:
            dtype = np.dtype(data["dtype"])
            shape = tuple(int(n) for n in data["shape"])
            if dtype.kind not in ARRAY_KINDS:
                return Other("ndarray", f"an array of {dtype}")
            raw = base64.b64decode(data["array"])
            if len(raw) != dtype.itemsize * math.prod(shape):
                return Other("ndarray", "a malformed array")
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if "raised" in data:
            return Raised(str(data["raised"]), [str(b) for b in data["bases"]],
                          str(data["message"]))
        return Other(str(data.get("other", "?")), str(data.get("text", "?")))
    except Exception:
        return Other("?", "a malformed answer")


# ---------------------------------------------------------------------------------------
# How an answer and a call are shown in messages.

def show(value):
    """An argument or answer as a message shows it: arrays by dtype and shape, a torch
    model as one line of its layers."""
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"<{dtype} array of shape {tuple(shape)}>"
    if hasattr(value, "named_parameters") and hasattr(value, "extra_repr"):
        return describe(value)
    if isinstance(value, Other):
        return value.text
    return repr(value)


def _layer_arguments(m):
    """The arguments that tell a layer apart, as it would be built: Conv2d(1, 6, 5)."""
    kind = type(m).__name__
    if kind == "Conv2d":
        k = m.kernel_size[0] if m.kernel_size[0] == m.kernel_size[1] else m.kernel_size
        extra = [f"{name}={value}" for name, value, default in
                 (("stride", m.stride, (1, 1)), ("padding", m.padding, (0, 0)), ("groups", m.groups, 1))
                 if value != default] + (["bias=False"] if m.bias is None else [])
        return ", ".join([str(m.in_channels), str(m.out_channels), str(k)] + extra)
    if kind == "Linear":
        return f"{m.in_features}, {m.out_features}" + ("" if m.bias is not None else ", bias=False")
    if kind.startswith("BatchNorm"):
        return str(m.num_features)
    if kind.startswith("Dropout"):
        return str(m.p)
    if kind.endswith("Pool2d"):
        return str(getattr(m, "kernel_size", getattr(m, "output_size", "")))
    return ""


def describe(module, limit=300):
    """A torch model on one line, its layers as they would be built:
    Sequential(Conv2d(1, 4, 3), BatchNorm2d(4), ReLU(), ...); [frozen] marks a layer
    whose parameters do not train, [shared] a parameter a layer before it already has."""
    seen = set()

    def text(m):
        children = list(m.children())
        inner = ", ".join(text(c) for c in children) if children else _layer_arguments(m)
        own = list(m.parameters(recurse=False))
        marks = " [frozen]" if own and not any(p.requires_grad for p in own) else ""
        marks += " [shared]" if any(id(p) in seen for p in own) else ""
        seen.update(id(p) for p in own)
        return f"{type(m).__name__}({inner}){marks}"
    line = text(module)
    return line if len(line) <= limit else line[:limit - 3] + "..."


def call_text(name, args, kwargs):
    """How the call looks when typed: conv_output_size(32, 3, stride=2)."""
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _describe(answer):
    if isinstance(answer, Other):
        return f"{answer.text} ({answer.type_name})"
    if isinstance(answer, (tuple, list)):
        return f"a {type(answer).__name__} of {len(answer)}"
    return repr(answer)


# ---------------------------------------------------------------------------------------
# Verdicts: None when the answer is right, else the sentence that says how it is wrong.
# `expected` is an int, an array (or a tuple of arrays), or Raises.

class Raises:
    """The expected outcome of a call that must raise `error_type`, and why."""

    def __init__(self, error_type, why):
        self.error_type, self.why = error_type, why


def raised_problem(call, answer):
    """The sentence for a call that raised where it should have returned."""
    if answer.name == "NotImplementedError":
        return (f"{call} raised NotImplementedError: the function is not written yet. "
                "Replace `raise NotImplementedError()` with your code.")
    return f"{call} raised {answer.name}: {answer.message}"


def int_problem(call, answer, expected):
    if isinstance(answer, Raised):
        return raised_problem(call, answer)
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return f"{call} returned {_describe(answer)}; expected the int {expected}."
    if isinstance(answer, float):
        return f"{call} returned {answer!r}, a float; expected the int {expected}."
    if answer != expected:
        return f"{call} returned {answer}; expected {expected}."
    return None


def raises_problem(call, answer, expected):
    name = expected.error_type.__name__
    if isinstance(answer, Raised):
        if answer.is_a(expected.error_type):
            return None
        if answer.name == "NotImplementedError":
            return f"{call} raised NotImplementedError: the function is not written yet."
        return (f"{call} raised {answer.name}: {answer.message}; expected a {name}, "
                f"because {expected.why}.")
    return f"{call} returned {_describe(answer)}; expected it to raise {name}, because {expected.why}."


def close(a, b, rtol, atol):
    """Elementwise |a - b| <= atol + rtol * |b| on float64 arrays (NaN is never close)."""
    return bool((abs(a - b) <= atol + rtol * abs(b)).all())


def _array_problem(call, label, got, expected, rtol, atol):
    import numpy as np
    if type(got) is not np.ndarray:
        return (f"{call} returned {label}{_describe(got)}; expected a numpy array of shape "
                f"{expected.shape}.")
    got = got.astype("float64")
    if got.shape != expected.shape:
        return f"{call} returned {label}shape {got.shape}; expected {expected.shape}."
    if close(got, expected, rtol, atol):
        return None
    error = abs(got - expected)
    error[np.isnan(error)] = np.inf
    worst = np.unravel_index(error.argmax(), error.shape)
    return (f"{call} returned {label}wrong values: off by up to {error.max():.3g}; at index "
            f"{tuple(int(i) for i in worst)} it gave {got[worst]:.6g} where "
            f"{expected[worst]:.6g} was expected.")


def arrays_problem(call, answer, expected, rtol=1e-5, atol=1e-6, names=None):
    """(part index or None, sentence) for the first part of the answer that is wrong, or
    None. `expected` is one array, or a tuple of arrays named by `names`."""
    import numpy as np
    if isinstance(answer, Raised):
        return None, raised_problem(call, answer)
    single = not isinstance(expected, tuple)
    parts = [np.asarray(e, dtype="float64") for e in ((expected,) if single else expected)]
    if single:
        answer = (answer,)
    elif not isinstance(answer, (tuple, list)) or len(answer) != len(parts):
        return None, (f"{call} returned {_describe(answer)}; expected a tuple "
                      f"({', '.join(names or [])}) of {len(parts)} arrays.")
    for index, (got, right) in enumerate(zip(answer, parts)):
        label = "" if single else f"{names[index] if names else f'part {index}'} with "
        problem = _array_problem(call, label, got, right, rtol, atol)
        if problem:
            return (None if single else index), problem
    return None


def problem_with(name, args, kwargs, answer, expected, options):
    """The one sentence saying how `answer` (decoded) misses `expected`, or None."""
    call = call_text(name, args, kwargs)
    if isinstance(expected, Raises):
        return raises_problem(call, answer, expected)
    if isinstance(expected, numbers.Integral) and not isinstance(expected, bool):
        return int_problem(call, answer, int(expected))
    found = arrays_problem(call, answer, expected, **options)
    return found[1] if found else None


# ---------------------------------------------------------------------------------------
# What a test cell calls.

def _answer(fn, args, kwargs):
    """(the answer as plain data, the exception the call raised or None)."""
    try:
        return encode(fn(*args, **kwargs)), None
    except KeyboardInterrupt:
        raise
    except BaseException as error:   # SystemExit too: it is the student's answer
        return encode_raised(error), error


def _own_frames(*tracebacks):
    """One traceback: the frames of `tracebacks`, one after the other, without those of the
    course's helpers (modules marked __tracebackhide__). What is left is the test cell's
    line and the student's own code."""
    kept = []
    for tb in tracebacks:
        while tb is not None:
            if not tb.tb_frame.f_globals.get("__tracebackhide__"):
                kept.append(tb)
            tb = tb.tb_next
    joined = None
    for entry in reversed(kept):
        joined = types.TracebackType(joined, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return joined


class TestFailed(AssertionError):
    """A test's verdict in JupyterLab: its message first, then where it happened, without
    the helpers' frames. When the student's function raised, that is the student's own
    traceback: from the test cell's line down to the line of their code that raised."""

    def __init__(self, message, raised=None):
        super().__init__(message)
        self.raised = raised

    def _render_traceback_(self):   # IPython shows these lines as the traceback
        import textwrap
        from IPython import get_ipython
        # wrapped: `nbgrader validate` cuts every line of its report at 90 columns
        lines = [line for paragraph in f"AssertionError: {self}".splitlines()
                 for line in textwrap.wrap(paragraph, MESSAGE_WIDTH, break_long_words=False,
                                           break_on_hyphens=False) or [""]]
        head = ["\x1b[31mAssertionError\x1b[39m" + lines[0][len("AssertionError"):], *lines[1:]]
        shell = get_ipython()
        if shell is None:
            return head
        if self.raised is None:   # down to the test cell's line; the message is on top already
            return head + shell.InteractiveTB.structured_traceback(
                AssertionError, self, _own_frames(self.__traceback__), tb_offset=0)[:-1]
        error = self.raised
        return head + [""] + shell.InteractiveTB.structured_traceback(
            type(error), error, _own_frames(self.__traceback__, error.__traceback__), tb_offset=0)


# A cell's answers wait here and leave together, as one output, once the cell has run
# (IPython's post_execute event, which also follows a cell that raised): a hidden test asks
# hundreds of cases, and a message for each cost the grader more than the cases did.
_waiting = []


def _send_waiting():
    from IPython.display import display
    if _waiting:
        answers = list(_waiting)
        _waiting.clear()
        display({ANSWER_TYPE: {"answers": answers}}, raw=True)


def _hand_back(name, answer):
    """Send the answer to whoever runs the notebook, as an output of the test cell."""
    from IPython import get_ipython
    _waiting.append([name, answer])
    shell = get_ipython()
    if shell is None:   # no cell to wait for
        _send_waiting()
    elif _send_waiting not in shell.events.callbacks["post_execute"]:
        shell.events.register("post_execute", _send_waiting)


def _course_judge():
    """The course's grader, when this notebook sits in a copy of the course (a student's
    JupyterLab): it names known mistakes. None where it cannot be found, as while grading,
    when the course is hidden from the kernel and the grader judges from outside."""
    import importlib
    import os
    import sys
    folder = os.path.abspath(os.getcwd())
    while not os.path.isfile(os.path.join(folder, "autograder", "judge", "__init__.py")):
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)
    if folder not in sys.path:
        sys.path.append(folder)
    try:
        return importlib.import_module("autograder.judge")
    except Exception:
        return None


# The functions whose test failed when last run in this kernel: a later test that depends
# on one of them (exercise 4's trained model) names it as the fix to make first.
_failing = set()


def _record(names, problem):
    for name in names:
        (_failing.add if problem else _failing.discard)(name)


def subject_names(subject):
    """The names of a test's subject: a function or class, or a tuple of them."""
    subjects = subject if isinstance(subject, tuple) else (subject,)
    return [s.__name__ for s in subjects if hasattr(s, "__name__")]


def expect(fn, args, kwargs, expected=None, **options):
    """Call fn(*args, **kwargs) and hand back its answer. `expected` (a visible test's
    value) checks it at once; options: rtol, atol, names (of a tuple's parts)."""
    __tracebackhide__ = True
    name = getattr(fn, "__name__", "function")
    answer, raised = _answer(fn, args, kwargs)
    _hand_back(name, answer)
    if expected is not None:
        problem = problem_with(name, args, kwargs, decode(answer), expected, options)
        _record([name], problem)
        if problem:
            judge = _course_judge()
            if judge is not None:
                problem += judge.name_mistake(name, args, kwargs, decode(answer), expected, options)
            raise TestFailed(problem, raised) from None


def expect_raises(fn, args, kwargs, error_type, why):
    """The call must raise `error_type` (a subclass counts); `why` says what is invalid."""
    __tracebackhide__ = True
    expect(fn, args, kwargs, Raises(error_type, why))


def observe(subject, probe, **kwargs):
    """Run the course's `probe` on the student's `subject` (a function, a class, a trained
    model, or a pair of functions) and hand back what it saw. The probe holds no right
    answer: the grader runs it on its own reference and compares (exercise 4)."""
    __tracebackhide__ = True
    import sys
    name = probe.__name__
    raised = None
    try:
        seen = encode(probe(subject, **kwargs))
    except KeyboardInterrupt:
        raise
    except BaseException as error:   # the student's object broke the probe itself
        seen, raised = encode_raised(error), error
    _hand_back(name, seen)
    judge = _course_judge()
    if judge is None:   # stderr: never part of a graded cell's feedback
        print(f"(checks: the course's grader was not found, so {name} is checked only when "
              "graded: open the notebook from the course folder to check it here.)", file=sys.stderr)
        return
    problem = judge.observation_problem(name, subject, kwargs, decode(seen), _failing)
    _record(subject_names(subject), problem)
    if problem:
        raise TestFailed(problem, raised) from None
