"""The verdicts of Exercises 1-3, made outside the kernel: a test cell runs here as the
student's kernel runs it (the released checks, the student's functions), its answers are
handed to the judge, and the judge alone decides. Right answers pass, wrong ones are
explained, and answers that only pretend to be right are caught."""
import nbformat
import numpy as np
import pytest

from autograder import judge
from autograder.judge import ex01
from autograder.kernel import checks as kernel_checks
from tests.support.samples import REPO, solution_answers

EX01 = "ex01-shapes-and-counts"


def size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    return (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def run_in_kernel(cell, functions, monkeypatch, setup=""):
    """Run a test cell as the student's kernel does; return the answers it hands back and
    the error that stopped it, if any."""
    answers = []
    monkeypatch.setattr(kernel_checks, "_hand_back", lambda name, answer: answers.append((name, answer)))
    namespace = {"checks": kernel_checks, "np": np, **functions}
    error = None
    try:
        exec(setup.replace("import checks", ""), namespace)
        exec(cell, namespace)
    except Exception as caught:
        error = f"{type(caught).__name__}: {caught}"
    return answers, error


def verdict(cell, monkeypatch, assignment=EX01, setup="import numpy as np", **functions):
    """The judge's message for a test cell run with these student functions (None: pass)."""
    answers, error = run_in_kernel(cell, functions, monkeypatch, setup)
    failure = judge.judge_cell(assignment, setup, cell, answers, error)[1]
    return failure and failure.text


def test_a_right_answer_passes_as_int_or_numpy_integer(monkeypatch):
    cell = "checks.expect(conv_output_size, (32, 3), dict(padding=1), 32)"
    assert verdict(cell, monkeypatch, conv_output_size=size) is None
    assert verdict(cell, monkeypatch, conv_output_size=lambda *a, **k: np.int64(32)) is None


def test_a_wrong_answer_names_input_answer_expectation_and_mistake(monkeypatch):
    def once(input_size, kernel_size, stride=1, padding=0, dilation=1):
        return (input_size + padding - dilation * (kernel_size - 1) - 1) // stride + 1
    once.__name__ = "conv_output_size"
    message = verdict("checks.expect(conv_output_size, (32, 3), dict(padding=1), 32)",
                      monkeypatch, conv_output_size=once)
    assert message.startswith("conv_output_size(32, 3, padding=1) returned 31; expected 32.")
    assert "Likely mistake: padding counted once." in message


def test_a_float_is_not_a_size_even_when_equal(monkeypatch):
    message = verdict("checks.expect(conv_output_size, (32, 3), {}, 30)", monkeypatch,
                      conv_output_size=lambda *a, **k: 30.0)
    assert "a float; expected the int 30" in message
    assert "Likely mistake: output size not floored." in message


def test_an_unknown_wrong_answer_is_reported_without_a_guess(monkeypatch):
    message = verdict("checks.expect(conv_output_size, (32, 3), {}, 30)", monkeypatch,
                      conv_output_size=lambda *a, **k: 7)
    assert "returned 7; expected 30." in message and "Likely mistake" not in message


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize("answer", [AlwaysEqual(), True, "30", None])
def test_objects_that_only_pretend_to_be_the_answer_fail(answer, monkeypatch):
    message = verdict("checks.expect(conv_output_size, (32, 3), {}, 30)", monkeypatch,
                      conv_output_size=lambda *a: answer)
    assert "expected the int 30" in message


def test_an_int_subclass_arrives_as_its_value(monkeypatch):
    message = verdict("checks.expect(conv_output_size, (32, 3), {}, 30)", monkeypatch,
                      conv_output_size=lambda *a: SneakyInt(7))
    assert "returned 7; expected 30." in message


def test_unwritten_and_crashing_functions_are_explained(monkeypatch):
    def stub(*args):
        raise NotImplementedError()

    def crash(*args):
        return [][1]

    cell = "checks.expect(fc_param_count, (1, 1), {}, 2)"
    assert "not written yet" in verdict(cell, monkeypatch, fc_param_count=stub)
    assert "raised IndexError: list index out of range" in verdict(cell, monkeypatch, fc_param_count=crash)


def test_expect_raises_explains_a_missing_or_wrong_error(monkeypatch):
    returns = verdict("checks.expect_raises(conv_output_size, (3, 5), {}, ValueError, 'it does not fit')",
                      monkeypatch, conv_output_size=size)
    assert "returned -1; expected it to raise ValueError, because it does not fit" in returns
    wrong = verdict("checks.expect_raises(conv_output_size, (3, 1), dict(stride=0), ValueError, 'stride 0')",
                    monkeypatch, conv_output_size=size)
    assert "raised ZeroDivisionError" in wrong and "expected a ValueError" in wrong
    assert verdict("checks.expect_raises(conv_output_size, (), {}, ValueError, 'never')", monkeypatch,
                   conv_output_size=lambda *a: int("x")) is None


def test_hidden_cases_are_judged_against_pytorch_in_the_grader(monkeypatch):
    cell = "for w in range(1, 30):\n    checks.expect(conv_output_size, (w, 3), dict(padding=1, stride=2))"
    assert verdict(cell, monkeypatch, conv_output_size=size) is None
    message = verdict(cell, monkeypatch, conv_output_size=lambda w, k, stride=1, padding=0, dilation=1:
                      (w + 2 * padding - k) / stride + 1)
    assert "a float; expected the int" in message and "output size not floored" in message


def test_a_test_that_stops_in_the_kernel_says_where_and_why(monkeypatch):
    cell = "checks.expect(fc_param_count, (1, 1), {}, 2)\nchecks.expect(fc_param_count, (2, 1), {}, 3)"
    answers, _ = run_in_kernel(cell, {"fc_param_count": ex01.fc_param_count}, monkeypatch)
    count, failure = judge.judge_cell(EX01, "", cell, answers[:1], "NameError: name 'x' is not defined")
    assert count == 2 and failure.mistake is None
    assert failure.text == ("The test stopped before fc_param_count(2, 1) gave an answer: "
                       "NameError: name 'x' is not defined.")
    # the kernel's function names do not matter (a student may bind a lambda or a partial)
    assert judge.judge_cell(EX01, "", cell, [("<lambda>", kernel_checks.encode(n)) for n in (2, 3)])[1] is None


CATALOGUES = {name: ex01.MISTAKES[name] for name in ex01.MISTAKES}


def right_answer(function):
    namespace = {}
    exec(solution_answers(EX01)[function], namespace)
    return namespace[function]


@pytest.mark.parametrize("function", CATALOGUES)
def test_the_probes_tell_every_known_mistake_apart(function):
    """Each mistake differs from the right answer, and from every other mistake, on some probe."""
    right, mistakes = right_answer(function), CATALOGUES[function]
    answers = {m.name: [m.variant(*a, **k) for a, k in mistakes.probes] for m in mistakes}
    truth = [right(*a, **k) for a, k in mistakes.probes]
    for name, values in answers.items():
        assert any(v is not None and v != t for v, t in zip(values, truth)), name
        for other, other_values in answers.items():
            assert other == name or values != other_values, (name, other)


def test_when_two_mistakes_give_the_same_wrong_answer_the_other_cases_decide(monkeypatch):
    def dilation_ignored(input_size, kernel_size, stride=1, padding=0, dilation=1):
        return (input_size + 2 * padding - kernel_size) // stride + 1

    rounded_up = next(m for m in ex01.CONV_OUTPUT_SIZE_MISTAKES if m.name == "output size rounded up")
    # an input on which ignoring dilation and rounding up give the same wrong answer
    w, k, s, d = next(
        (w, k, s, d) for w in range(5, 40) for k in range(2, 6) for s in range(2, 4) for d in range(2, 4)
        if dilation_ignored(w, k, s, 0, d) == rounded_up.variant(w, k, s, 0, d) != size(w, k, s, 0, d))
    cell = (f"checks.expect(conv_output_size, ({w}, {k}), dict(stride={s}, dilation={d}))\n"
            "for probe in range(20, 40):\n"
            "    checks.expect(conv_output_size, (probe, 3), dict(stride=2, dilation=3))")
    message = verdict(cell, monkeypatch, conv_output_size=dilation_ignored)
    assert "Likely mistake: dilation ignored." in message


# Exercises 2 and 3: arrays

def conv2d_right(x, w, b=None, stride=1, padding=0):
    from autograder.judge.ex02 import conv2d
    return conv2d(x, w, b, stride, padding)


CONV_CELL = ("x, w = np.arange(18.0).reshape(1, 2, 3, 3), np.ones((2, 2, 2, 2))\n"
             "checks.expect(conv2d, (x, w, np.ones(2)), dict(padding=1))")


def test_arrays_pass_within_the_tolerance_and_fail_with_where_and_by_how_much(monkeypatch):
    assert verdict(CONV_CELL, monkeypatch, "ex02-conv-by-hand", conv2d=conv2d_right) is None
    off = verdict(CONV_CELL, monkeypatch, "ex02-conv-by-hand",
                  conv2d=lambda *a, **k: conv2d_right(*a, **k) + np.eye(4)[None, None] * 1e-3)
    assert "wrong values: off by up to 0.001; at index (0, 0, " in off and "where" in off


def test_arrays_that_only_pretend_to_be_right_fail(monkeypatch):
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return True

    def patched(x, w, b=None, stride=1, padding=0):
        np.allclose = lambda *args, **kwargs: True   # patches the kernel's numpy only
        return np.zeros((1, 1, 1, 1))

    original = np.allclose
    try:
        for conv2d in (lambda *a, **k: np.zeros((1, 2, 4, 4)).view(Agreeable), patched,
                       lambda *a, **k: conv2d_right(*a, **k).astype(object)):
            assert verdict(CONV_CELL, monkeypatch, "ex02-conv-by-hand", conv2d=conv2d) is not None
    finally:
        np.allclose = original


def test_a_withheld_library_is_named_as_a_library_shortcut(monkeypatch):
    def uses_torch(*args, **kwargs):
        raise ImportError("'torch' is not available in this exercise: the rules allow numpy only, "
                          "so grading runs without it.")
    message = verdict(CONV_CELL, monkeypatch, "ex02-conv-by-hand", conv2d=uses_torch)
    assert "Likely mistake: library convolution used." in message


def test_a_tuple_answer_names_the_wrong_part_and_its_mistake(monkeypatch):
    from autograder.judge.ex03 import conv2d_backward

    def db_per_image(dout, x, w, stride=1, padding=0):
        dx, dw, _ = conv2d_backward(dout, x, w, stride, padding)
        return dx, dw, dout.sum(axis=(2, 3))

    cell = ("rng = np.random.default_rng(0)\nx, w = rng.standard_normal((2, 1, 4, 4)), rng.standard_normal((3, 1, 2, 2))\n"
            "checks.expect(conv2d_backward, (rng.standard_normal((2, 3, 3, 3)), x, w), {}, names=['dx', 'dw', 'db'])")
    assert verdict(cell, monkeypatch, "ex03-backprop", conv2d_backward=conv2d_backward) is None
    message = verdict(cell, monkeypatch, "ex03-backprop", conv2d_backward=db_per_image)
    assert "returned db with shape (2, 3); expected (3,)." in message
    assert "Likely mistake: bias gradient not summed over batch and space." in message


def test_malformed_answers_are_no_answers():
    for data in ({"array": "!!", "dtype": "<f8", "shape": [2]},
                 {"array": "AAAA", "dtype": "|O", "shape": [1]},
                 {"array": "AAAAAAAAAAA=", "dtype": "<f8", "shape": [5]}, {"nothing": 1}, {}):
        assert isinstance(kernel_checks.decode(data), kernel_checks.Other), data


def test_a_cell_hands_back_all_its_answers_in_order_as_one_output(tmp_path):
    """In a real kernel: a hidden test of 300 cases sends one output, not 300 (a message
    each cost the grader more than the cases did), and a visible test that fails still
    sends the answers it got before it raised."""
    from nbclient import NotebookClient
    from autograder.preprocessors.judge_answers import _answers
    (tmp_path / "checks.py").write_text((REPO / "autograder" / "kernel" / "checks.py").read_text())
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "import checks\ndef double(x):\n    return 2 * x",
        "for x in range(300):\n    checks.expect(double, (x,), {})",
        "checks.expect(double, (1,), {})\nchecks.expect(double, (2,), {}, 5)",
        "print('no test here')")])
    NotebookClient(nb, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    answer_outputs = [[o for o in cell.outputs if kernel_checks.ANSWER_TYPE in o.get("data", {})]
                      for cell in nb.cells]
    assert [len(outputs) for outputs in answer_outputs] == [0, 1, 1, 0]
    assert [(name, kernel_checks.decode(answer)) for name, answer in _answers(nb.cells[1].outputs)] \
        == [("double", 2 * x) for x in range(300)]
    assert [kernel_checks.decode(answer) for _, answer in _answers(nb.cells[2].outputs)] == [2, 4]
    assert [o.ename for o in nb.cells[2].outputs if o.output_type == "error"] == ["TestFailed"]


@pytest.mark.parametrize("assignment", sorted(judge.ASSIGNMENTS))
def test_no_hidden_test_gives_the_kernel_an_expected_value(assignment):
    """Every case of a hidden test is judged against the grader's PyTorch: none carries an
    expected value, which the student's code could find in the kernel (only the rule that
    invalid arguments raise, which the exercise states)."""
    nb = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    setup = judge.setup_source(nb)
    hidden = [c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source]
    assert hidden
    for cell in hidden:
        cases, _ = judge.expectations(assignment, setup, cell.source)
        assert cases and all(case.expected is None or isinstance(case.expected, kernel_checks.Raises)
                             for case in cases), cell.metadata.nbgrader.grade_id


# No known mistake: facts about where the answers go wrong, never a guess

PATTERN_CELL = ("rng = np.random.default_rng(0)\n"
                "for stride in (1, 2, 1, 3):\n"
                "    checks.expect(conv2d, (rng.standard_normal((2, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))),\n"
                "                  dict(stride=stride))")


def test_an_unnamed_failure_says_which_inputs_go_wrong_and_where(monkeypatch):
    def wrong_with_stride(x, w, b=None, stride=1, padding=0):
        out = conv2d_right(x, w, b, stride, padding)
        if stride != 1:
            out[1:, :, 1, 1] += 5.0   # an unknown slip: wrong only with a stride, after image 0
        return out
    message = verdict(PATTERN_CELL, monkeypatch, "ex02-conv-by-hand", conv2d=wrong_with_stride)
    assert "Likely mistake" not in message
    assert ("Where it goes wrong: every case with stride other than 1 is wrong, and every case "
            "without is right; the first image is right and a later one is not." in message)


def test_a_wrong_shape_is_described_per_axis(monkeypatch):
    message = verdict(PATTERN_CELL, monkeypatch, "ex02-conv-by-hand",
                      conv2d=lambda *a, **k: conv2d_right(*a, **k)[..., :-1])
    assert "Where it goes wrong: the width is 1 short." in message


def test_a_named_mistake_needs_no_pattern(monkeypatch):
    from autograder.judge.ex02 import conv2d
    message = verdict(PATTERN_CELL, monkeypatch, "ex02-conv-by-hand",
                      conv2d=lambda x, w, b=None, stride=1, padding=0: conv2d(x, w, b, 1, padding))
    assert "Likely mistake: stride ignored." in message and "Where it goes wrong" not in message


def test_the_visible_conv2d_test_catches_a_bias_broadcast_and_names_nothing_wrong(monkeypatch):
    """`out += b` broadcasts along the last axis: right with one output channel, an error
    with several. The visible test has a batch with 3 channels, so it catches the bug, and
    no known mistake explains it, so none is named: the message says where it goes wrong."""
    from tests.support.judging import grade_in_process
    answers = solution_answers("ex02-conv-by-hand")
    answers["conv2d"] = answers["conv2d"].replace("out += b.reshape(1, -1, 1, 1)", "out += b")
    assert "out += b\n" in answers["conv2d"]
    failures = grade_in_process("ex02-conv-by-hand", answers, monkeypatch)
    visible = failures["conv2d_examples"]
    assert visible.mistake is None and "could not be broadcast" in visible.message
    assert "every case with more than one" in visible.message
