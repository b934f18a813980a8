"""Exercise 5's judge: batch norm against PyTorch and its catalogue of mistakes, dropout
judged on the statistics of its outputs."""
import numpy as np
import pytest

from autograder.judge import ex05, expectations
from autograder.kernel import ex05_probes as probes
from tests.support import judging
from tests.support.samples import solution_answers

A = "ex05-normalisation"


def hidden_cases(function):
    """The cases of the hidden test cell of `function`, as the grader rebuilds them."""
    setup, cells = judging.test_cells(A)
    source = dict(cells)[f"{function}_vs_torch"]
    return expectations(A, setup, source)[0]


@pytest.mark.parametrize("function", ["batchnorm2d_forward", "batchnorm2d_backward"])
def test_every_known_mistake_changes_some_hidden_answer(function):
    """A mistake that never changes an answer could never be named: each one differs from
    PyTorch's answer on at least one hidden case."""
    cases = hidden_cases(function)
    for mistake in ex05.MISTAKES[function]:
        differs = False
        for case in cases:
            wrong = mistake.wrong_answer(case.args, case.kwargs)
            right = ex05.REFERENCES[function](*case.args, **case.kwargs)
            if wrong is None:
                continue
            differs = differs or any(
                w is not None and (np.shape(w) != np.shape(r) or not np.allclose(w, r, rtol=1e-6, atol=1e-8))
                for w, r in zip(wrong, right))
        assert differs, mistake.name


def test_the_numpy_solution_agrees_with_pytorch_on_every_hidden_case():
    namespace = {"np": np}
    exec(solution_answers(A)["batchnorm2d_forward"], namespace)
    for case in hidden_cases("batchnorm2d_forward"):
        ours = namespace["batchnorm2d_forward"](*case.args, **case.kwargs)
        theirs = ex05.batchnorm2d_forward(*case.args, **case.kwargs)
        for a, b in zip(ours, theirs):
            assert np.allclose(a, b, rtol=1e-9, atol=1e-12)


def judged(function, p, seed=0, shape=(4, 4, 12, 12)):
    """The judge's Failure for `function` as the dropout probe sees it, or None."""
    from autograder.judge import Case
    case = Case("run_dropout", (function,), dict(p=p, seed=seed, shape=shape), None,
                {"probe": probes.run_dropout})
    seen = probes.run_dropout(function, p, seed, shape)
    return ex05._dropout_problem(case, seen, None)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 0.5, 0.8, 0.95])
def test_right_dropout_passes_for_every_seed(p):
    """Statistics, not one draw: the reference passes on 25 seeds (5 standard deviations
    of margin, so a right answer fails about once in a million tests)."""
    for seed in range(25):
        assert judged(ex05.dropout, p, seed) is None, (p, seed)


def test_a_tiny_change_in_the_share_dropped_fails():
    def drops_a_little_more(x, p, training=True, rng=None):
        return ex05.dropout(x, min(p + 0.05, 1), training, rng) * (1 - min(p + 0.05, 1)) / (1 - p)
    failure = judged(drops_a_little_more, 0.25, shape=(16, 4, 24, 24))
    assert failure is not None and failure.mistake is None
    assert "in training it dropped 30" in failure.message and "expected about 25.0%" in failure.message


def test_two_mistakes_are_named_together_and_three_are_not_named():
    def unscaled_global(x, p, training=True, rng=None):
        return x * (np.random.rand(*x.shape) >= p) if training else x

    def unscaled_global_in_place(x, p, training=True, rng=None):
        if training:
            x *= np.random.rand(*x.shape) >= p
        return x
    two = judged(unscaled_global, 0.25)
    assert two.mistake.name == "kept values not rescaled, and the rng argument ignored"
    three = judged(unscaled_global_in_place, 0.25)
    assert three.mistake is None and three.message.count("expected") == 3


def test_dropout_that_drops_whole_maps_or_shares_a_mask_is_named():
    def whole_maps(x, p, training=True, rng=None):
        keep = (rng or np.random.default_rng()).random(x.shape[:2] + (1, 1)) >= p
        return x * keep / (1 - p) if training else x

    def one_mask(x, p, training=True, rng=None):
        keep = (rng or np.random.default_rng()).random(x.shape[1:]) >= p
        return x * keep / (1 - p) if training else x
    assert judged(whole_maps, 0.5, shape=(8, 8, 6, 6)).mistake.name == "whole feature maps dropped"
    assert judged(one_mask, 0.5).mistake.name == "one mask for the whole batch"


def test_what_cannot_be_judged_says_why():
    def not_written(x, p, training=True, rng=None):
        raise NotImplementedError()

    def returns_a_list(x, p, training=True, rng=None):
        return x.tolist()
    assert "not written yet" in judged(not_written, 0.25).message
    assert "returned list; expected an array of x's shape (4, 4, 12, 12)" in judged(returns_a_list, 0.25).message


def test_the_graders_gradients_agree_with_numerical_ones():
    """PyTorch's autograd, which grades the backward pass, against centred differences of
    PyTorch's forward pass, on the first hidden cases."""
    def numerical(f, value, dout, eps=1e-6):
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            kept = value[index]
            value[index] = kept + eps
            plus = (f(value) * dout).sum()
            value[index] = kept - eps
            minus = (f(value) * dout).sum()
            value[index] = kept
            grad[index] = (plus - minus) / (2 * eps)
        return grad

    for case in hidden_cases("batchnorm2d_backward")[:5]:
        dout, x, gamma = (np.array(a, dtype=float) for a in case.args)
        eps = case.kwargs.get("eps", 1e-5)
        beta, mean, var = np.zeros(len(gamma)), np.zeros(len(gamma)), np.ones(len(gamma))
        dx, dgamma, dbeta = ex05.batchnorm2d_backward(dout, x, gamma, **case.kwargs)
        forward = ex05.batchnorm2d_forward
        assert np.allclose(dx, numerical(lambda v: forward(v, gamma, beta, mean, var, eps=eps)[0], x, dout),
                           atol=1e-5)
        assert np.allclose(dgamma, numerical(lambda v: forward(x, v, beta, mean, var, eps=eps)[0], gamma, dout),
                           atol=1e-5)
        assert np.allclose(dbeta, numerical(lambda v: forward(x, gamma, v, mean, var, eps=eps)[0], beta, dout),
                           atol=1e-5)
