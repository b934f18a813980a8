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


# Exercise 4: other right ways of writing the PyTorch functions must pass too.

def test_other_right_ways_to_train_and_evaluate_pass():
    import torch

    def train_epoch(model, loader, optimizer, loss_fn):   # model.zero_grad, weighted mean
        model.train()
        total, count = 0.0, 0
        for x, y in loader:
            model.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total, count = total + loss.item() * len(y), count + len(y)
        return total / count

    @torch.no_grad()
    def evaluate(model, loader):   # decorator, and the mode put back afterwards
        was_training = model.training
        model.eval()
        right = sum((model(x).argmax(1) == y).sum().item() for x, y in loader)
        model.train(was_training)
        return right / len(loader.dataset)

    for seed, optimizer in [(0, "sgd"), (2, "adam")]:
        checks.expect_train_epoch(train_epoch, seed=seed, optimizer=optimizer)
    checks.expect_evaluate(evaluate)


def test_a_loss_returned_as_a_tensor_is_explained():
    def train_epoch(model, loader, optimizer, loss_fn):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return loss
    with pytest.raises(AssertionError, match=r"returned a tensor .*tensor.item\(\)"):
        checks.expect_train_epoch(train_epoch)


def test_lenet5_written_with_functional_pooling_passes_and_a_missing_flatten_is_named():
    import torch.nn as nn
    import torch.nn.functional as F

    class LeNet5(nn.Module):
        def __init__(self, num_classes=10, flatten=True):
            super().__init__()
            self.flatten = flatten
            self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
                                          nn.Conv2d(6, 16, 5), nn.Tanh())
            self.classifier = nn.Sequential(nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84),
                                            nn.Tanh(), nn.Linear(84, num_classes))

        def forward(self, x):
            x = F.max_pool2d(self.features(x), 2)
            return self.classifier(x.flatten(1) if self.flatten else x)

    checks.expect_lenet5(LeNet5, num_classes=3, batch=4)
    with pytest.raises(AssertionError, match="Likely mistake: flatten missing"):
        checks.expect_lenet5(lambda num_classes=10: LeNet5(num_classes, flatten=False))


def test_model_descriptions_are_one_short_line_without_addresses():
    text = checks.call_text(checks.expect_train_epoch, (checks._small_net(), checks._loader(8, 4, 0)), {})
    assert "\n" not in text and " at 0x" not in text
    assert "Conv2d(1, 4, 3), BatchNorm2d(4)" in text and "<DataLoader of 8 examples in batches of 4>" in text


def test_count_parameters_mistakes_are_told_apart_on_the_hidden_models():
    import torch.nn as nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4, 2))
    model[0].requires_grad_(False)
    right = sum(p.numel() for p in model.parameters() if p.requires_grad)
    for mistake in checks.COUNT_PARAMETERS_MISTAKES:
        if mistake.name in ("a shared parameter counted twice", "buffers counted as parameters"):
            continue   # these need shared weights, or trainable_only=False, to show
        answer = mistake.variant(model, trainable_only=True)
        message = fails(mistake.variant, (model,), {"trainable_only": True}, right,
                        checks.COUNT_PARAMETERS_MISTAKES)
        assert f"returned {answer}" in message and f"Likely mistake: {mistake.name}." in message
