"""The checks behind every test cell: right answers pass, wrong ones are explained, and
answers that only pretend to be right are caught."""
import numpy as np
import pytest

from autograder import checks
from samples import solution_answers


def size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    return (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def fails(fn, args, kwargs, expected, mistakes=()):
    with pytest.raises(AssertionError) as caught:
        checks.expect_int(fn, args, kwargs, expected, mistakes)
    return str(caught.value)


def test_a_right_answer_passes_as_int_or_numpy_integer():
    checks.expect_int(size, (32, 3), {"padding": 1}, 32, checks.CONV_OUTPUT_SIZE_MISTAKES)
    checks.expect_int(lambda *a: np.int64(32), (32, 3), {}, 32)


def test_a_wrong_answer_names_input_answer_expectation_and_mistake():
    def once(input_size, kernel_size, stride=1, padding=0, dilation=1):
        return (input_size + padding - dilation * (kernel_size - 1) - 1) // stride + 1
    message = fails(once, (32, 3), {"padding": 1}, 32, checks.CONV_OUTPUT_SIZE_MISTAKES)
    assert message.startswith("once(32, 3, padding=1) returned 31; expected 32.")
    assert "Likely mistake: padding counted once." in message


def test_a_float_is_not_a_size_even_when_equal():
    message = fails(lambda *a, **k: 30.0, (32, 3), {}, 30, checks.CONV_OUTPUT_SIZE_MISTAKES)
    assert "a float; expected the int 30" in message
    assert "Likely mistake: output size not floored." in message


def test_an_unknown_wrong_answer_is_reported_without_a_guess():
    message = fails(lambda *a, **k: 7, (32, 3), {}, 30, checks.CONV_OUTPUT_SIZE_MISTAKES)
    assert "returned 7; expected 30." in message and "Likely mistake" not in message


class AlwaysEqual:
    def __eq__(self, other):
        return True


class SneakyInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


@pytest.mark.parametrize("answer", [AlwaysEqual(), True, "30", None])
def test_objects_that_only_pretend_to_be_the_answer_fail(answer):
    message = fails(lambda *a: answer, (32, 3), {}, 30)
    assert "expected the int 30" in message


def test_an_int_subclass_is_compared_by_its_value():
    assert "returned 7; expected 30." in fails(lambda *a: SneakyInt(7), (32, 3), {}, 30)


def test_unwritten_and_crashing_functions_are_explained():
    def stub(*args):
        raise NotImplementedError()

    def crash(*args):
        return [][1]

    assert "not written yet" in fails(stub, (1,), {}, 1)
    assert "raised IndexError: list index out of range" in fails(crash, (1,), {}, 1)


def test_expect_raises_explains_a_missing_or_wrong_error():
    with pytest.raises(AssertionError, match=r"returned -1; expected it to raise ValueError, because it does not fit"):
        checks.expect_raises(size, (3, 5), {}, ValueError, "it does not fit")
    with pytest.raises(AssertionError, match=r"raised ZeroDivisionError.*expected a ValueError"):
        checks.expect_raises(size, (3, 1), {"stride": 0}, ValueError, "stride 0 is invalid")
    checks.expect_raises(lambda *a: int("x"), (), {}, ValueError, "never")


CATALOGUES = {
    "conv_output_size": checks.CONV_OUTPUT_SIZE_MISTAKES,
    "fc_param_count": checks.FC_PARAM_COUNT_MISTAKES,
    "conv_param_count": checks.CONV_PARAM_COUNT_MISTAKES,
    "receptive_field": checks.RECEPTIVE_FIELD_MISTAKES,
}


def right_answer(function):
    namespace = {}
    exec(solution_answers("ex01-shapes-and-counts")[function], namespace)
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


def test_when_two_mistakes_give_the_same_wrong_answer_the_probes_decide():
    def dilation_ignored(input_size, kernel_size, stride=1, padding=0, dilation=1):
        return (input_size + 2 * padding - kernel_size) // stride + 1

    mistakes = checks.CONV_OUTPUT_SIZE_MISTAKES
    rounded_up = next(m for m in mistakes if m.name == "output size rounded up")
    # an input on which ignoring dilation and rounding up give the same wrong answer
    args, kwargs = next(
        ((w, k), {"stride": s, "dilation": d})
        for w in range(5, 40) for k in range(2, 6) for s in range(2, 4) for d in range(2, 4)
        if dilation_ignored(w, k, s, 0, d) == rounded_up.variant(w, k, s, 0, d) != size(w, k, s, 0, d))
    message = fails(dilation_ignored, args, kwargs, size(*args, **kwargs), mistakes)
    assert "Likely mistake: dilation ignored." in message
