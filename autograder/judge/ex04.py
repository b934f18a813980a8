"""Exercise 4, a CNN in PyTorch: the reference functions, and how what the student's code
did is judged.

count_parameters hands back a number, judged like exercises 1-3. The other functions act
on models, so their test cells hand back what a probe saw (autograder/kernel/ex04_probes.py):
the grader runs the same probe on the reference below and compares what both runs saw.
A known mistake is named only when the mistake, run through the same probe, does
everything the student's code did (or, for a mode or a missing flatten, when the probe
saw exactly that).
"""
import contextlib
import functools
import hashlib
import os

import numpy as np

from autograder.judge.mistakes import Failure, Mistake, Mistakes
from autograder.kernel import ex04_probes as probes
from autograder.kernel.checks import describe

# The helper modules the test cells import, as the grader loads them.
HELPERS = {"probes": probes}


# ---------------------------------------------------------------------------------------
# The references.

def count_parameters(model, trainable_only=False):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def _lenet5(num_classes=10):
    import torch.nn as nn

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(
                nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                nn.Linear(84, num_classes))

        def forward(self, x):
            return self.classifier(self.features(x))
    return LeNet5()


def train_epoch(model, loader, optimizer, loss_fn, *, zero_grad=True, softmax=False, step=True,
                train=True, report=lambda losses: sum(losses) / len(losses)):
    """One epoch, the right way or (through the keywords) with one known mistake."""
    if train:
        model.train()
    losses = []
    for x, y in loader:
        if zero_grad:
            optimizer.zero_grad()
        out = model(x)
        loss = loss_fn(out.softmax(dim=1) if softmax else out, y)
        loss.backward()
        if step:
            optimizer.step()
        losses.append(loss.item())
    return report(losses)


def evaluate(model, loader, *, eval_mode=True, no_grad=True, report=lambda right, total, batches: right / total):
    """The accuracy, the right way or (through the keywords) with one known mistake."""
    import contextlib
    import torch
    if eval_mode:
        model.eval()
    right, total, batches = 0, 0, []
    with torch.no_grad() if no_grad else contextlib.nullcontext():
        for x, y in loader:
            hits = (model(x).argmax(dim=1) == y).sum().item()
            right, total = right + hits, total + len(y)
            batches.append(hits / len(y))
    return report(right, total, batches)


def freeze_backbone(model):
    head = set(model.classifier[-1].parameters())
    for p in model.parameters():
        p.requires_grad = p in head
    return model


def replace_head(model, num_classes):
    import torch.nn as nn
    model.classifier[-1] = nn.Linear(model.classifier[-1].in_features, num_classes)
    return model


REFERENCES = {"count_parameters": count_parameters, "LeNet5": _lenet5, "train_epoch": train_epoch,
              "evaluate": evaluate, "freeze_backbone": freeze_backbone, "replace_head": replace_head}


# ---------------------------------------------------------------------------------------
# count_parameters: a number, judged like exercises 1-3.

def _numel(parameters):
    return sum(p.numel() for p in parameters)


COUNT_PARAMETERS_MISTAKES = Mistakes([
    Mistake("trainable_only ignored",
            "With trainable_only=True count only the parameters whose requires_grad is True.",
            lambda model, trainable_only=False:
                _numel(model.parameters()) if trainable_only else None),
    Mistake("frozen and trainable swapped",
            "A parameter trains when its requires_grad is True.",
            lambda model, trainable_only=False:
                _numel(p for p in model.parameters() if not p.requires_grad) if trainable_only else None),
    Mistake("buffers counted as parameters",
            "state_dict() also holds buffers, such as batch norm's running mean and variance, "
            "which are not learned: count model.parameters().",
            lambda model, trainable_only=False:
                None if trainable_only else _numel(model.state_dict().values())),
    Mistake("tensors counted, not their elements",
            "Each parameter is a tensor of many numbers: add up p.numel().",
            lambda model, trainable_only=False:
                len([p for p in model.parameters() if p.requires_grad or not trainable_only])),
    Mistake("biases left out",
            "Layers learn biases as well as weights.",
            lambda model, trainable_only=False:
                _numel(p for name, p in model.named_parameters()
                       if name.endswith("weight") and (p.requires_grad or not trainable_only))),
    Mistake("parameters counted once per enclosing module",
            "model.modules() lists the model and every container as well as each layer, and "
            "each one's parameters() includes its children's: count model.parameters() once.",
            lambda model, trainable_only=False:
                sum(_numel(p for p in m.parameters() if p.requires_grad or not trainable_only)
                    for m in model.modules())),
    Mistake("a shared parameter counted twice",
            "When two layers share one weight tensor it is one set of numbers to learn; "
            "model.parameters() lists it once.",
            lambda model, trainable_only=False:
                sum(_numel(p for p in m.parameters(recurse=False) if p.requires_grad or not trainable_only)
                    for m in model.modules())),
])

MISTAKES = {"count_parameters": COUNT_PARAMETERS_MISTAKES}


# ---------------------------------------------------------------------------------------
# What the probes saw, judged.

def _raised(call, raised):
    if raised["raised"] == "NotImplementedError":
        return (f"{call} raised NotImplementedError: the function is not written yet. "
                "Replace `raise NotImplementedError()` with your code.")
    return f"{call} raised {raised['raised']}: {raised['message']}"


def _number(call, answer, what):
    """The returned loss or accuracy as a float, or the sentence saying why it is not one."""
    if "number" in answer:
        return answer["number"], None
    if answer["object"] == "Tensor":
        return None, (f"{call} returned a tensor ({answer['text']}); return {what} as a Python "
                      "number: tensor.item() gives it.")
    return None, f"{call} returned {answer['text']}; expected {what} as a number."


def _problem_and_mistake(case, seen, expected, difference, mistakes):
    """How the student's run differs from the reference (`difference`), with the known
    mistake among `mistakes` that runs the same way; nothing to name when it raised."""
    problem = difference(case, seen, expected)
    if problem is None or isinstance(problem, Failure) or seen["raised"]:
        return problem
    return Failure(problem, _mistake_seen(case, seen, mistakes, lambda a, b: difference(case, a, b)))


def _mistake_seen(case, seen, variants, differs):
    """The first known mistake which, run through the same probe, is seen doing exactly
    what the student's code did (`differs(a, b)` is None when two runs look alike), or None."""
    for mistake, variant in variants:
        theirs = case.options["probe"](variant, **case.kwargs)
        if differs(seen, theirs) is None:
            return mistake
    return None


# LeNet5 ---------------------------------------------------------------------------------

ACTIVATION_MISSING = Mistake(
    "activation missing",
    "Without a nonlinearity between them, two layers compute nothing one linear layer could "
    "not: the network stays linear however deep it is. Apply nn.ReLU() (or torch.relu) "
    "after each convolution and each hidden fully connected layer.", None)
SOFTMAX_BEFORE_LOSS = Mistake(
    "softmax before CrossEntropyLoss",
    "The model returns probabilities. CrossEntropyLoss applies log-softmax itself: "
    "return the raw scores (logits) of the last Linear layer.", None)


def _flatten_diagnosis(layers, batch):
    """Why the first fully connected layer failed, from the shape that arrived there: the
    mistake, or None."""
    for layer in layers:
        if layer["type"] == "Linear" and layer["output"] is None:
            arrived, module = tuple(layer["input"]), f"Linear({layer['in_features']}, {layer['out_features']})"
            if len(arrived) != 2:
                return Mistake("flatten missing", f"A tensor of shape {arrived} reached {module}: "
                             "flatten each image to one vector first, with torch.flatten(x, 1) "
                             "or nn.Flatten() (keeping the batch axis).", None)
            if arrived[0] != batch:
                return Mistake("batch axis flattened too", f"A tensor of shape {arrived} reached "
                               f"{module}, for a batch of {batch}: use torch.flatten(x, 1).", None)
            return Mistake("flatten size wrong", f"{module} expects {layer['in_features']} features, "
                         f"but the flattened tensor that arrived has shape {arrived}. In LeNet-5 "
                           "on a 32x32 input, 16 channels of 5x5 arrive there: 400 features.", None)
    return None


def _lenet5_problem(case, seen, expected):
    classes = case.kwargs.get("num_classes") or 10
    batch = case.kwargs.get("batch", 2)
    call = "LeNet5()" if case.kwargs.get("num_classes") is None else f"LeNet5(num_classes={classes})"
    built = seen["built"]
    if built != "module":
        if "raised" in built:
            return _raised(call, built)
        return f"{call} made a {built['object']}; expected an nn.Module."
    if seen["forward"]:
        failed = seen["forward"]
        if failed.get("raised") == "NotImplementedError":
            return f"{call}: forward raised NotImplementedError: the function is not written yet."
        if "raised" not in failed:
            return (f"{call}: forward returned a {failed['object']} for a batch of {batch}; "
                    f"expected a tensor of scores of shape ({batch}, {classes}).")
        return Failure(f"{call} failed on a batch of shape ({batch}, 1, 32, 32), where scores of "
                       f"shape ({batch}, {classes}) were expected: {failed['raised']}: "
                       f"{failed['message']}", _flatten_diagnosis(seen["layers"], batch))
    layers = [(l["type"], tuple(l["input"][1:]), tuple(l["output"][1:])) for l in seen["layers"]]
    wanted = [(l["type"], tuple(l["input"][1:]), tuple(l["output"][1:])) for l in expected["layers"]]
    if [kind for kind, _, _ in layers] != [kind for kind, _, _ in wanted]:
        return (f"{call} ran the layers {[k for k, _, _ in layers]} on a batch; LeNet-5 has two "
                "Conv2d layers (6 and 16 filters of 5x5, each followed by 2x2 pooling) and three "
                "Linear layers (120, 84, then one output per class), in that order.")
    for index, (got, want) in enumerate(zip(layers, wanted), 1):
        if got != want:
            return (f"{call}: layer {index} ({got[0]}) received {got[1]} and gave {got[2]} per "
                    f"image; expected {want[1]} in and {want[2]} out, as in LeNet-5.")
    if seen["output"] != expected["output"]:
        return (f"{call} returned shape {tuple(seen['output'])} for {batch} images; expected "
                f"{tuple(expected['output'])}: one score per class.")
    linear = [f"{index} ({layer['type']})" for index, layer in enumerate(seen["layers"], 1)
              if layer["after_activation"] is False]
    if linear:
        which = f"layers {', '.join(linear)} receive" if len(linear) > 1 else f"layer {linear[0]} receives"
        return Failure(f"{call}: {which} the output of the layer before with only pooling or "
                       "flattening in between; expected an activation after each convolution "
                       "and each hidden fully connected layer, as in LeNet-5.", ACTIVATION_MISSING)
    if seen["rows_sum_to_one"]:
        return Failure(f"{call}: each row of the output sums to 1; expected raw scores (logits).",
                       SOFTMAX_BEFORE_LOSS)
    if seen["count"] != expected["count"]:
        return f"{call} has {seen['count']:,} parameters; expected {expected['count']:,}."
    if seen["classifier"] != expected["classifier"]:
        return (f"{call}: model.classifier should be an nn.Sequential whose last layer is the "
                f"output layer, nn.Linear(84, {classes}); replace_head relies on it.")
    return None


# train_epoch ----------------------------------------------------------------------------

FORGOT_TRAIN = Mistake(
    "forgot model.train()",
    "evaluate() leaves the model in evaluation mode; train_epoch must switch it back, "
    "or dropout stays off and batch norm uses running statistics while training.", None)

TRAIN_EPOCH_MISTAKES = [
    (Mistake("forgot zero_grad",
             "loss.backward() adds to the gradients already there: call optimizer.zero_grad() "
             "for every batch, before backward().", None),
     functools.partial(train_epoch, zero_grad=False)),
    (Mistake(SOFTMAX_BEFORE_LOSS.name,
             "CrossEntropyLoss applies log-softmax itself: give it the model's raw scores.", None),
     functools.partial(train_epoch, softmax=True)),
    (Mistake("parameters never updated",
             "Call optimizer.step() after loss.backward() (and zero the gradients before "
             "backward, not between backward and step).", None),
     functools.partial(train_epoch, step=False)),
    (FORGOT_TRAIN, functools.partial(train_epoch, train=False)),
    (Mistake("last batch's loss returned", "Average the losses of all batches.", None),
     functools.partial(train_epoch, report=lambda losses: losses[-1])),
    (Mistake("losses summed, not averaged", "Divide by the number of batches.", None),
     functools.partial(train_epoch, report=sum)),
]


def _train_epoch_call(case):
    kind = case.kwargs.get("kind", "sgd")
    optimizer = "Adam(lr=0.01)" if kind == "adam" else "SGD(lr=0.5)"
    return (f"train_epoch(model, loader, optimizer, CrossEntropyLoss()) with model = "
            f"{describe(probes.small_net())} (in evaluation mode), 32 random 8x8 images in "
            f"batches of 8 and optimizer = {optimizer},")


def _close(a, b, rtol=1e-4, atol=1e-6):
    return abs(a - b) <= atol + rtol * abs(b)


def _train_epoch_difference(case, seen, expected):
    call = _train_epoch_call(case)
    if seen["raised"]:
        return _raised(call, seen["raised"])
    if not seen["training"]:
        return f"{call} never ran the model; expected one forward pass per batch."
    if all(seen["training"]) != all(expected["training"]):
        return (f"{call} ran the model with batch norm or dropout in evaluation mode; expected "
                "training mode.")
    loss, problem = _number(call, seen["answer"], "the mean loss")
    if problem:
        return problem
    got, want = seen["parameters"], expected["parameters"]
    if not probes.same_arrays(got, want):
        off = max(float(np.abs(g.astype("float64") - w).max()) for g, w in zip(got, want))
        return (f"{call} left the model's parameters off by up to {off:.3g} from what one epoch "
                "of training gives; expected the same steps as PyTorch's reference loop.")
    mean = expected["answer"]["number"]
    if not _close(loss, mean):
        return f"{call} returned {loss:.6g}; the mean training loss over the epoch was {mean:.6g}."
    return None


def _train_epoch_problem(case, seen, expected):
    return _problem_and_mistake(case, seen, expected, _train_epoch_difference, TRAIN_EPOCH_MISTAKES)


# evaluate -------------------------------------------------------------------------------

FORGOT_EVAL = Mistake(
    "forgot model.eval()",
    "In training mode dropout drops units at random and batch norm uses the batch's "
    "statistics: call model.eval() before evaluating.", None)
FORGOT_NO_GRAD = Mistake(
    "forgot torch.no_grad()",
    "Evaluation needs no gradients: wrap it in `with torch.no_grad():` (or decorate the "
    "function with @torch.no_grad()) so autograd records nothing, which is faster and "
    "uses less memory.", None)
EVALUATE_MISTAKES = [
    (Mistake("accuracy as a percentage", "Return a fraction in [0, 1].", None),
     functools.partial(evaluate, report=lambda right, total, batches: 100 * right / total)),
    (Mistake("correct predictions counted", "Divide them by the number of examples.", None),
     functools.partial(evaluate, report=lambda right, total, batches: right)),
    (Mistake("accuracy averaged over batches of different sizes",
             "The last batch is smaller: divide all correct predictions by all examples.", None),
     functools.partial(evaluate, report=lambda right, total, batches: sum(batches) / len(batches))),
]


def _evaluate_call(case):
    return (f"evaluate(model, loader) with model = {describe(probes.small_net(dropout=0.5))} "
            "(in training mode) and 40 random 8x8 images in batches of 16,")


def _evaluate_difference(case, seen, expected):
    call = _evaluate_call(case)
    if seen["raised"]:
        return _raised(call, seen["raised"])
    if any(seen["training"]):
        return Failure(f"{call} ran the model in training mode; expected evaluation mode.", FORGOT_EVAL)
    if any(seen["recording"]):
        return Failure(f"{call} ran the model with autograd recording; expected no gradients.",
                       FORGOT_NO_GRAD)
    accuracy, problem = _number(call, seen["answer"], "the accuracy")
    if problem:
        return problem
    if seen["changed"]:
        return f"{call} changed the model's parameters; expected evaluation to only read them."
    right = expected["answer"]["number"]
    if abs(accuracy - right) > 1e-6:
        return (f"{call} returned {accuracy:.6g}; expected the accuracy {right:.6g} "
                f"({expected['right']} of {expected['total']} right).")
    return None


def _evaluate_problem(case, seen, expected):
    return _problem_and_mistake(case, seen, expected, _evaluate_difference, EVALUATE_MISTAKES)


# freeze_backbone and replace_head ----------------------------------------------------------

BACKBONE_NOT_FROZEN = Mistake(
    "backbone not frozen",
    "Set requires_grad = False on every parameter but the head's (model.classifier[-1]): "
    "only the head should learn the new task.", None)
HEAD_FROZEN_TOO = Mistake(
    "head frozen too",
    "The head (model.classifier[-1]) is what learns the new task: it must keep "
    "requires_grad = True, whichever of freeze_backbone and replace_head runs first.", None)
ONLY_CONVOLUTIONS_FROZEN = Mistake(
    "only the convolutional part frozen",
    "The backbone is everything before the head, the hidden fully connected layers of "
    "model.classifier included.", None)
HEAD_APPENDED = Mistake(
    "head appended, not replaced",
    "Put the new layer in the old one's place: model.classifier[-1] = nn.Linear(...).", None)
HEAD_SIZE_HARD_CODED = Mistake(
    "head's input size hard-coded",
    "Read it from the old head: model.classifier[-1].in_features.", None)


def _freezing_diagnosis(names):
    """The known mistake that explains which parameters train, or None."""
    trainable, head, everything = set(names["trainable"]), set(names["head"]), set(names["all"])
    if not head <= trainable:
        return HEAD_FROZEN_TOO
    if trainable == everything:
        return BACKBONE_NOT_FROZEN
    if trainable - head and not any(name.startswith("features.") for name in trainable):
        return ONLY_CONVOLUTIONS_FROZEN
    return None


def _model_text(kind):
    return describe(probes.transfer_net(kind))


def _returns_model(call, seen):
    if not seen["returned_model"]:
        return (f"{call} returned {seen['returned']}; expected the model itself (changed in "
                "place), so the calls can be chained.")
    return None


def _freeze_backbone_problem(case, seen, expected):
    call = f"freeze_backbone(model) with model = {_model_text(case.kwargs.get('kind', 'lenet_like'))}"
    if seen["raised"]:
        return _raised(call, seen["raised"])
    problem = _returns_model(call, seen)
    if problem:
        return problem
    trainable, head = seen["names"]["trainable"], expected["names"]["trainable"]
    if trainable != head:
        return Failure(f"{call}: afterwards {trainable or 'no parameter'} still train; expected "
                       f"only the head's, {head}.", _freezing_diagnosis(seen["names"]))
    if seen["changed"]:
        return (f"{call} changed parameter values; expected them kept: freezing only stops "
                "training.")
    return None


def _replace_head_problem(case, seen, expected):
    classes = case.kwargs["num_classes"]
    call = (f"replace_head(model, {classes}) with model = "
            f"{_model_text(case.kwargs.get('kind', 'lenet_like'))}")
    if seen["raised"]:
        return _raised(call, seen["raised"])
    problem = _returns_model(call, seen)
    if problem:
        return problem
    head, inputs = seen["head"], seen["old_in_features"]
    if seen["appended"]:
        return Failure(f"{call} added a layer after the old head; expected the new head in its "
                       "place.", HEAD_APPENDED)
    if not head["new"] or head["type"] != "Linear":
        return (f"{call}: model.classifier[-1] is {head['text']}; expected a new "
                f"nn.Linear({inputs}, {classes}).")
    if head["in_features"] != inputs:
        return Failure(f"{call}: the new head takes {head['in_features']} features; expected "
                       f"{inputs}, what the layer before it gives.", HEAD_SIZE_HARD_CODED)
    if head["out_features"] != classes:
        return (f"{call}: the new head has {head['out_features']} outputs; expected {classes}, "
                "one per class.")
    if not head["trains"]:
        return Failure(f"{call}: the new head does not train; expected its parameters to "
                       "require gradients.", HEAD_FROZEN_TOO)
    if seen["changed"]:
        return f"{call} changed {seen['changed']}; expected only the head to change."
    if seen["output"] != expected["output"]:
        shape = tuple(seen["output"]) if isinstance(seen["output"], list) else seen["output"]
        return (f"After {call} the model gives {shape} for 2 images; expected shape "
                f"{tuple(expected['output'])}.")
    return None


def _transfer_problem(case, seen, expected):
    classes = case.kwargs["num_classes"]
    calls = " then ".join(f"{name}(model{f', {classes}' if name == 'replace_head' else ''})"
                          for name in seen["calls"])
    calls += f", with model = {_model_text(case.kwargs.get('kind', 'lenet_like'))}"
    if seen["raised"]:
        return _raised(f"{seen['by']}, in {calls}", seen["raised"])
    inputs = seen["inputs"]
    if seen["names"]["trainable"] != expected["names"]["trainable"] or seen["count"] != expected["count"]:
        # The right parameters train but too many or too few values: the head's size is wrong.
        head_size_wrong = seen["names"]["trainable"] == expected["names"]["trainable"]
        mistake = (HEAD_SIZE_HARD_CODED if head_size_wrong and seen["head_inputs"] != inputs
                   else None if head_size_wrong else _freezing_diagnosis(seen["names"]))
        return Failure(f"After {calls}, {seen['count']:,} parameters train; expected "
                       f"{expected['count']:,}, the new head's ({inputs} x {classes} weights + "
                       f"{classes} biases).", mistake)
    return None


# The trained model ------------------------------------------------------------------------

LENET5_PARAMETERS = 61_706   # for 10 classes


def held_back_seed():
    """The seed of the digits the grader makes to measure trained models. A real class sets
    its own secret in CNN_COURSE_HELD_BACK_SEED on the grading machine (the kernel never
    sees the grader's environment); without it a public default is used."""
    secret = os.environ.get("CNN_COURSE_HELD_BACK_SEED", "public default")
    return int.from_bytes(hashlib.sha256(secret.encode()).digest()[:8], "big")   # any text will do


@functools.lru_cache(maxsize=4)
def held_back(seed):
    """The held-back digits of one seed: (images as a float32 array, labels)."""
    from autograder.judge import held_back as maker
    images, labels = maker.held_back_digits(seed)
    return images.numpy(), labels.numpy()


def give_held_back_digits(folder):
    """Put the held-back digits' images (never their labels) in the kernel's folder, for
    the test cell that runs right after the student's training. The student's code can
    change that folder at any moment, so the file is made afresh, in the folder opened
    once, never through a link, and its mode set through its descriptor. When the name is
    taken by something this process cannot remove (a folder the student made), no digits
    are given: the test then says they are missing, a loss of the student's own making."""
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        with contextlib.suppress(FileNotFoundError):
            try:
                os.unlink(probes.HELD_BACK_FILE, dir_fd=directory)
            except (IsADirectoryError, PermissionError):
                return
        images = held_back(held_back_seed())[0]
        try:
            descriptor = os.open(probes.HELD_BACK_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                                 0o644, dir_fd=directory)
        except FileExistsError:   # the student's code put something there again
            return
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o644)   # the kernel's user reads it, whatever our umask
            np.save(file, images)
    finally:
        os.close(directory)


BEFORE_CELL = {"training_unseen_digits": give_held_back_digits}


def _trained_labels(case):
    if case.kwargs.get("on", "test") == "test":
        return probes.digits_32()[1][probes.digit_split()[1]].numpy()
    return held_back(held_back_seed())[1]


def _trained_model_problem(case, seen, labels):
    where = "test digits" if case.kwargs.get("on", "test") == "test" else \
        "new digits the grader made (no one, not even your model, had seen them)"
    minimum = case.kwargs["minimum"]
    if seen["model"] == "NoneType":
        return "There is no trained `model`: the training cell is not written yet, or has not run."
    if seen["model"] != "module":
        return f"`model` is a {seen['model']}; expected your LeNet5, trained, in `model`."
    if seen["count"] != LENET5_PARAMETERS:
        return (f"`model` has {seen['count']:,} parameters; expected {LENET5_PARAMETERS:,} "
                "(LeNet-5's for 10 classes).")
    if "missing" in seen:
        return ("The grader could not give the model its digits (an infrastructure fault, not "
                "yours: tell your instructor).")
    predicted = seen["predicted"]
    if not isinstance(predicted, np.ndarray):
        what = predicted.get("message") or predicted.get("object")
        return f"`model` could not classify the {where}: {what}"
    right = int((predicted == labels).sum())
    if right < minimum * len(labels):
        return (f"The trained model classifies {right} of {len(labels)} {where} correctly "
                f"({right / len(labels):.1%}); expected at least {minimum:.0%}. {TRAIN_BETTER}")
    return None


TRAIN_BETTER = ("Train for more epochs or adjust the learning rate, and check that the loss "
                "goes down.")

# The trained model is built with the student's LeNet5 and trained by their train_epoch:
# while one of them fails its own tests, training longer cannot help, and that is the fix
# the failed test of the model names first.
BUILT_WITH = {"run_trained_model": ("LeNet5", "train_epoch")}


def fix_first(message, failing):
    """A failed trained-model test's message when functions it is `BUILT_WITH` fail their
    own tests: those are named as the fix, in place of the advice to train better."""
    names = " and ".join(f"`{name}`" for name in failing)
    one = len(failing) == 1
    return (message.replace(" " + TRAIN_BETTER, "") + f"\nFix {names} first: "
            f"{'its' if one else 'their'} tests above fail, and your trained model is made with "
            f"{'it' if one else 'them'}. Then run the training cell again.")


# For each probe: how its expected observation is made, and how what it saw is judged.
def _reference_run(case):
    return case.options["probe"](_references(case.args[0]), **case.kwargs)


def _references(subject):
    """The reference in place of each student function (known by name) of a probe's
    subject; the test cell's own functions stay."""
    if isinstance(subject, tuple):
        return tuple(_references(s) for s in subject)
    return REFERENCES.get(getattr(subject, "__name__", None), subject)


PROBES = {
    "run_lenet5": (_reference_run, _lenet5_problem),
    "run_train_epoch": (_reference_run, _train_epoch_problem),
    "run_evaluate": (_reference_run, _evaluate_problem),
    "run_freeze_backbone": (_reference_run, _freeze_backbone_problem),
    "run_replace_head": (_reference_run, _replace_head_problem),
    "run_transfer": (_reference_run, _transfer_problem),
    "run_trained_model": (_trained_labels, _trained_model_problem),
}
