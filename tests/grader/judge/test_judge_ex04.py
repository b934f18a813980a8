"""The verdicts of Exercise 4, made outside the kernel: the course's test cells run here as
the student's kernel runs them (the released checks and probes, the student's code), what
the probes saw is handed to the judge, and the judge alone decides. Other right ways of
writing the PyTorch functions pass, wrong ones are explained, and what a probe hands back
cannot be forged into a pass."""
import builtins
import contextlib
import importlib.util
import io
import os

import nbformat
import numpy as np
import pytest

from autograder import judge
from autograder.judge import ex04
from autograder.kernel import checks as kernel_checks
from autograder.kernel import ex04_probes
from tests.support.samples import REPO, sample, solution_answers

EX04 = "ex04-cnn-in-pytorch"
NOTEBOOK = nbformat.read(REPO / "solutions" / EX04 / f"{EX04}.ipynb", as_version=4)
SETUP = judge.setup_source(NOTEBOOK)


def course_cell(grade_id):
    return next(c.source for c in NOTEBOOK.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def released_copy(module):
    """A fresh copy of a released helper, as a kernel imports it (what the student's code
    changes in it stays in that kernel)."""
    spec = importlib.util.spec_from_file_location(module.__name__.rsplit(".")[-1], module.__file__)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def sample_code(name):
    """A sample submission's answer cells but the training (tests/data/submissions), as code."""
    return "\n".join(code for grade_id, code in sample(EX04, name)[0].items() if grade_id != "training")


def kernel_namespace(checks, probes):
    """A kernel's global namespace where `import checks` and `import probes` give these
    copies of the released helpers."""
    def released(name, *args, **kwargs):
        found = {"checks": checks, "probes": probes}
        return found[name] if name in found else builtins.__import__(name, *args, **kwargs)

    return {"__builtins__": {**vars(builtins), "__import__": released}}


# the solution's answer cells but the training: code that defines the functions
SOLUTION = "\n".join(source for grade_id, source in solution_answers(EX04).items() if grade_id != "training")


def verdict(grade_id, code="", **objects):
    """The judge's message for the course's test cell `grade_id`, run as the kernel runs it
    with the solution's functions, then `code` (a student's versions) and `objects`."""
    answers = []
    checks, probes = released_copy(kernel_checks), released_copy(ex04_probes)   # the kernel's own
    checks._hand_back = lambda name, answer: answers.append((name, answer))
    checks._course_judge = lambda: None   # as while grading
    namespace = kernel_namespace(checks, probes)
    error = None
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(SETUP, namespace)
        exec(SOLUTION + "\n" + code, namespace)
        namespace.update(objects)
        try:
            exec(course_cell(grade_id), namespace)
        except Exception as caught:
            error = f"{type(caught).__name__}: {caught}"
    failure = judge.judge_cell(EX04, SETUP, course_cell(grade_id), answers, error)[1]
    return failure and failure.text


def test_other_right_ways_to_train_and_evaluate_pass():
    code = '''
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
'''
    for grade_id in ("train_epoch_examples", "train_epoch_hidden", "evaluate_examples", "evaluate_hidden"):
        assert verdict(grade_id, code) is None, grade_id


def test_a_loss_returned_as_a_tensor_is_explained():
    code = '''
def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    return loss
'''
    message = verdict("train_epoch_examples", code)
    assert "returned a tensor (tensor(" in message and "tensor.item() gives it" in message


def test_lenet5_with_functional_pooling_passes_and_a_missing_flatten_is_named():
    code = '''
import torch.nn.functional as F

class LeNet5(nn.Module):
    FLATTEN = True

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),
                                      nn.Conv2d(6, 16, 5), nn.Tanh())
        self.classifier = nn.Sequential(nn.Linear(400, 120), nn.Tanh(), nn.Linear(120, 84),
                                        nn.Tanh(), nn.Linear(84, num_classes))

    def forward(self, x):
        x = F.max_pool2d(self.features(x), 2)
        return self.classifier(x.flatten(1) if self.FLATTEN else x)
'''
    assert verdict("LeNet5_shapes", code) is None
    message = verdict("LeNet5_examples", code + "\nLeNet5.FLATTEN = False\n")
    assert message.startswith("LeNet5() failed on a batch of shape (2, 1, 32, 32)")
    assert "Likely mistake: flatten missing." in message


def test_models_are_shown_on_one_short_line_with_frozen_and_shared_layers_marked():
    import torch.nn as nn
    twin = nn.Linear(7, 7)
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), twin, nn.Linear(7, 7))
    model[3].weight = twin.weight
    model[0].requires_grad_(False)
    text = kernel_checks.call_text("count_parameters", (model,), {})
    assert "\n" not in text and " at 0x" not in text
    assert text == ("count_parameters(Sequential(Conv2d(1, 4, 3) [frozen], BatchNorm2d(4), "
                    "Linear(7, 7), Linear(7, 7) [shared]))")


def test_count_parameters_mistakes_are_told_apart():
    import torch.nn as nn
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Linear(4, 2))
    model[0].requires_grad_(False)
    right = ex04.count_parameters(model, trainable_only=True)
    for mistake in ex04.COUNT_PARAMETERS_MISTAKES:
        if mistake.name in ("a shared parameter counted twice", "buffers counted as parameters"):
            continue   # these need shared weights, or trainable_only=False, to show
        answer = mistake.variant(model, trainable_only=True)
        named = judge.name_mistake("count_parameters", (model,), {"trainable_only": True}, answer, right, {})
        assert f"Likely mistake: {mistake.name}." in named


def test_what_a_probe_hands_back_cannot_be_forged_into_a_pass():
    """A student who replaces the probe (or what it returns) hands back something: without
    the right parameters after an epoch, or in a shape the course never sends, it fails."""
    fake_seen = '''
probes.run_train_epoch = lambda fn, seed=0, kind="sgd": {"raised": None, "training": [True] * 4,
    "answer": {"number": 1.0}, "parameters": []}
'''
    message = verdict("train_epoch_hidden", fake_seen)
    assert "parameters off" in message or "never sends" in message
    nothing = 'probes.run_evaluate = lambda fn, seed=0: {"answer": "right"}\n'
    assert "never sends" in verdict("evaluate_examples", nothing)
    silent = 'import checks\nchecks.observe = lambda *args, **kwargs: None\n'
    assert "stopped before" in verdict("freeze_backbone_hidden", silent)


def test_the_trained_model_is_judged_on_labels_the_kernel_never_has(monkeypatch, tmp_path):
    """The held-back digits reach the kernel's folder as images only, just before their
    test cell, written afresh even over a link the student's code left there; the judge
    compares the model's predictions with labels only the grader holds."""
    import torch.nn as nn
    target = tmp_path / "grader_file"
    target.write_text("the grader's")
    (tmp_path / ex04_probes.HELD_BACK_FILE).symlink_to(target)
    judge.before_cell(EX04, "training_unseen_digits", str(tmp_path))
    assert target.read_text() == "the grader's"
    stored = np.load(tmp_path / ex04_probes.HELD_BACK_FILE)
    images, labels = ex04.held_back(ex04.held_back_seed())
    assert stored.dtype == np.float32 and stored.shape == images.shape
    assert len(os.listdir(tmp_path)) == 2   # the images, and the grader's file: no labels

    class Oracle(nn.Module):   # LeNet-5's parameters, answering from a table
        def __init__(self, answers):
            super().__init__()
            self.net, self.answers = ex04._lenet5(), answers

        def forward(self, x):
            return nn.functional.one_hot(self.answers(len(x)), 10).float()

    import torch
    monkeypatch.chdir(tmp_path)
    right = Oracle(lambda n: torch.from_numpy(labels))
    assert verdict("training_unseen_digits", model=right) is None
    assert not (tmp_path / ex04_probes.HELD_BACK_FILE).exists()   # read once, then gone
    judge.before_cell(EX04, "training_unseen_digits", str(tmp_path))
    guess = Oracle(lambda n: torch.zeros(n, dtype=torch.long))
    message = verdict("training_unseen_digits", model=guess)
    assert message.startswith(f"The trained model classifies {int((labels == 0).sum())} of {len(labels)} new digits")
    assert verdict("training_test_accuracy", model=None).startswith("There is no trained `model`")


def test_a_model_built_with_a_failing_function_names_that_function_as_the_first_fix():
    """In JupyterLab, the trained model's test remembers which functions failed their
    tests in this kernel: their fix comes first, not training longer. Once they pass,
    the advice is about training again."""
    import torch
    checks, probes = released_copy(kernel_checks), released_copy(ex04_probes)
    checks._hand_back = lambda name, answer: None
    checks._course_judge = lambda: judge   # a student's JupyterLab, in the course folder
    namespace = kernel_namespace(checks, probes)
    no_zero_grad = sample_code("train_epoch_forgot_zero_grad")

    def run(grade_id):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(course_cell(grade_id), namespace)
            except AssertionError as failed:
                return str(failed)
        return None

    exec(SETUP, namespace)
    exec(no_zero_grad, namespace)
    torch.manual_seed(0)
    namespace["model"] = namespace["LeNet5"]()   # as untrained as the broken loop leaves it
    assert "zero_grad" in run("train_epoch_examples")
    message = run("training_test_accuracy")
    assert message.startswith("The trained model classifies"), message
    assert "Fix `train_epoch` first: its tests above fail" in message, message
    assert ex04.TRAIN_BETTER not in message

    exec(SOLUTION, namespace)   # the student fixes train_epoch; the model is still untrained
    assert run("train_epoch_examples") is None
    message = run("training_test_accuracy")
    assert "first" not in message and message.endswith(ex04.TRAIN_BETTER), message


@pytest.mark.parametrize("grade_id", ["count_parameters_models", "LeNet5_shapes", "train_epoch_hidden",
                                      "evaluate_hidden", "freeze_backbone_hidden", "replace_head_hidden"])
def test_hidden_cells_give_the_kernel_no_expected_value(grade_id):
    """A hidden test cell of exercise 4 only hands the student's code to a probe: what the
    probe saw is compared in the grader, never in the kernel."""
    source = course_cell(grade_id)
    assert "torch_count" not in source and "reload" not in source
    cases = judge.record_cases(SETUP, source, ex04.REFERENCES, ex04.HELPERS)
    assert cases and all(case.expected is None for case in cases)
