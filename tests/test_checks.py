"""The checks behind every test cell: right answers pass, wrong ones are explained, and
answers that only pretend to be right are caught."""
import numpy as np
import pytest

from autograder import checks


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


CASES = {
    "conv_output_size": (checks.CONV_OUTPUT_SIZE_MISTAKES, [
        ((8, 3), {"stride": 2}), ((32, 3), {"padding": 1}), ((32, 3), {"padding": 2, "dilation": 2}),
        ((9, 2), {"stride": 3, "dilation": 3})]),
    "fc_param_count": (checks.FC_PARAM_COUNT_MISTAKES, [((784, 10), {}), ((784, 10), {"bias": False})]),
    "conv_param_count": (checks.CONV_PARAM_COUNT_MISTAKES, [
        ((3, 96, 11), {}), ((64, 128, 3), {"bias": False}), ((32, 32, 3), {"groups": 32}),
        ((16, 32, (3, 5)), {"groups": 4})]),
    "receptive_field": (checks.RECEPTIVE_FIELD_MISTAKES, [
        (([(3, 2), (3, 2), (3, 1)],), {}), (([(3, 1, 2), (3, 1)],), {})]),
}


@pytest.mark.parametrize("function", CASES)
def test_every_known_mistake_differs_from_the_right_answer_somewhere(function):
    """A mistake whose variant always equals the right answer could never be diagnosed."""
    from conftest import solution_answers
    namespace = {}
    exec(solution_answers("ex01-shapes-and-counts")[function], namespace)
    right = namespace[function]
    mistakes, cases = CASES[function]
    for mistake in mistakes:
        assert any(mistake.variant(*a, **k) not in (None, right(*a, **k)) for a, k in cases), mistake.name
