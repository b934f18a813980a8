"""The checks behind Exercise 4's test cells (still run in the kernel): other right ways
of writing the PyTorch functions pass, and wrong ones are explained."""
import pytest

from autograder import ex04_checks as checks


def fails(fn, args, kwargs, expected, mistakes=()):
    with pytest.raises(AssertionError) as caught:
        checks.expect_int(fn, args, kwargs, expected, mistakes)
    return str(caught.value)


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
