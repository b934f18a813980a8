"""Checks used by Exercise 4's test cells (released next to its notebook as checks.py).

Exercise 4 is still graded inside the student's kernel: each check runs the student's
PyTorch code on a model, watches what it does (hooks record modes, gradients, shapes)
and compares with a reference run; when the answer is wrong, the AssertionError says on
which input, what was expected, what came back and, when a known mistake explains it,
which one (the line "Likely mistake: NAME." is what the class report counts).
Exercises 1-3 hand their answers to a grader outside the kernel (autograder/judge/);
this exercise moves there next.
"""

import numbers
import operator

__tracebackhide__ = True  # IPython and pytest hide frames of this module in tracebacks


class Mistake:
    """A known wrong way to compute an answer, as a function with the graded signature."""

    def __init__(self, name, explanation, variant):
        self.name = name
        self.explanation = explanation
        self.variant = variant

    def explains(self, args, kwargs, answer, expected):
        """Whether this mistake gives `answer` here, where the right answer is `expected`."""
        try:
            wrong = _plain_number(self.variant(*args, **kwargs))
        except Exception:  # the variant does not apply here (None), or fails
            return False
        differs = wrong != expected or type(wrong) is not type(expected)
        return differs and wrong == answer


def _named(mistake):
    """The line of a failure message that names a known mistake (the report counts it)."""
    return f"\nLikely mistake: {mistake.name}. {mistake.explanation}"


def _show(value):
    """An argument as the message shows it: arrays by dtype and shape, the rest by repr."""
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"<{dtype} array of shape {tuple(shape)}>"
    kind = type(value).__name__
    if hasattr(value, "named_parameters") and hasattr(value, "extra_repr"):   # torch module
        return _describe(value)
    if hasattr(value, "dataset") and hasattr(value, "batch_size"):   # torch DataLoader
        return f"<{kind} of {len(value.dataset)} examples in batches of {value.batch_size}>"
    if hasattr(value, "param_groups"):   # torch optimizer
        return f"<{kind} optimizer, lr={value.param_groups[0]['lr']}>"
    return repr(value)


def call_text(fn, args, kwargs):
    """How the call looks when typed: conv_output_size(32, 3, stride=2)."""
    name = getattr(fn, "__name__", "function")
    parts = [_show(a) for a in args] + [f"{k}={_show(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _plain_number(value):
    """An exact int, float or None, so that comparisons cannot be fooled by an object."""
    if isinstance(value, bool) or value is None:
        raise TypeError
    if isinstance(value, numbers.Integral):
        return int(operator.index(value))
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError


def _call(fn, args, kwargs):
    __tracebackhide__ = True
    call = call_text(fn, args, kwargs)
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise AssertionError(
            f"{call} raised NotImplementedError: the function is not written yet. "
            "Replace `raise NotImplementedError()` with your code."
        ) from None
    except Exception as error:
        raise AssertionError(
            f"{call} raised {type(error).__name__}: {error}"
        ) from None


class Mistakes(list):
    """The known mistakes of one function, with inputs (`probes`) that tell them apart."""

    def __init__(self, mistakes, probes):
        super().__init__(mistakes)
        self.probes = probes


def _agreement(fn, mistake, probes):
    """On how many probe inputs the student's function answers as the mistake does."""
    agree = 0
    for args, kwargs in probes:
        try:
            wrong = mistake.variant(*args, **kwargs)
            agree += wrong is not None and _plain_number(fn(*args, **kwargs)) == wrong
        except Exception:
            pass
    return agree


def _diagnose(fn, mistakes, args, kwargs, answer, expected):
    candidates = [m for m in mistakes if m.explains(args, kwargs, answer, expected)]
    if len(candidates) > 1:
        # Two wrong formulas can agree on one input: name the one that also explains
        # the student's answers elsewhere (ties keep the catalogue's order).
        probes = getattr(mistakes, "probes", [])
        candidates.sort(key=lambda m: -_agreement(fn, m, probes))
    if candidates:
        return _named(candidates[0])
    return ""


def expect_int(fn, args, kwargs, expected, mistakes=()):
    """The call must return the whole number `expected` (an int, or a numpy integer)."""
    __tracebackhide__ = True
    call = call_text(fn, args, kwargs)
    answer = _call(fn, args, kwargs)
    try:
        number = _plain_number(answer)
    except TypeError:
        raise AssertionError(
            f"{call} returned {answer!r} of type {type(answer).__name__}; "
            f"expected the int {expected}."
        ) from None
    if isinstance(number, float):
        diagnosis = _diagnose(fn, mistakes, args, kwargs, number, expected) or (
            "\nSizes and counts are whole numbers: use // rather than /, or int().")
        raise AssertionError(
            f"{call} returned {answer!r}, a float; expected the int {expected}.{diagnosis}")
    if number != expected:
        diagnosis = _diagnose(fn, mistakes, args, kwargs, number, expected)
        raise AssertionError(f"{call} returned {number}; expected {expected}.{diagnosis}")


def expect_raises(fn, args, kwargs, error_type, why):
    """The call must raise `error_type` (a subclass counts); `why` says what is invalid."""
    __tracebackhide__ = True
    call = call_text(fn, args, kwargs)
    try:
        answer = fn(*args, **kwargs)
    except NotImplementedError:
        raise AssertionError(
            f"{call} raised NotImplementedError: the function is not written yet."
        ) from None
    except error_type:
        return
    except Exception as error:
        raise AssertionError(
            f"{call} raised {type(error).__name__}: {error}; expected a "
            f"{error_type.__name__}, because {why}."
        ) from None
    raise AssertionError(
        f"{call} returned {answer!r}; expected it to raise {error_type.__name__}, "
        f"because {why}."
    )


# ---------------------------------------------------------------------------------------
# Exercise 4: the PyTorch functions. These checks watch what the student's code does to
# a model (which mode its layers were in, whether gradients were recorded, which
# parameters train) and compare the result with a reference run of the same steps.

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


def _describe(module, limit=300):
    """A model on one line, its layers as they would be built:
    Sequential(Conv2d(1, 4, 3), BatchNorm2d(4), ReLU(), ...); [frozen] marks a layer
    whose parameters do not train."""
    def text(m):
        children = list(m.children())
        inner = ", ".join(text(c) for c in children) if children else _layer_arguments(m)
        own = list(m.parameters(recurse=False))
        frozen = " [frozen]" if own and not any(p.requires_grad for p in own) else ""
        return f"{type(m).__name__}({inner}){frozen}"
    line = text(module)
    return line if len(line) <= limit else line[:limit - 3] + "..."



def _numel(parameters):
    return sum(p.numel() for p in parameters)


def _count_own_parameters(model, trainable_only=False):
    """Each module's own parameters, summed: a parameter shared by two layers counts twice."""
    return sum(_numel(p for p in m.parameters(recurse=False) if p.requires_grad or not trainable_only)
               for m in model.modules())


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
            lambda model, trainable_only=False: _numel(model.state_dict().values())),
    Mistake("tensors counted, not their elements",
            "Each parameter is a tensor of many numbers: add up p.numel().",
            lambda model, trainable_only=False:
                len([p for p in model.parameters() if p.requires_grad or not trainable_only])),
    Mistake("biases left out",
            "Layers learn biases as well as weights.",
            lambda model, trainable_only=False:
                _numel(p for name, p in model.named_parameters()
                       if name.endswith("weight") and (p.requires_grad or not trainable_only))),
    Mistake("a shared parameter counted twice",
            "When two layers share one weight tensor it is one set of numbers to learn; "
            "model.parameters() lists it once.",
            _count_own_parameters),
], probes=[])


def expect_count(fn, model, expected, trainable_only=None):
    """count_parameters(model[, trainable_only]) must return `expected`."""
    __tracebackhide__ = True
    kwargs = {} if trainable_only is None else {"trainable_only": trainable_only}
    expect_int(fn, (model,), kwargs, expected, COUNT_PARAMETERS_MISTAKES)


# LeNet-5 for a 1x32x32 input: (layer type, input shape, output shape) without the batch.
def _lenet5_layers(num_classes):
    return [("Conv2d", (1, 32, 32), (6, 28, 28)), ("Conv2d", (6, 14, 14), (16, 10, 10)),
            ("Linear", (400,), (120,)), ("Linear", (120,), (84,)), ("Linear", (84,), (num_classes,))]


def lenet5_parameters(num_classes=10):
    """156 + 2,416 (convolutions) + 48,120 + 10,164 (hidden layers) + 85 per class."""
    return 156 + 2416 + 48120 + 10164 + 85 * num_classes


class _LayerLog:
    """Records the input and output shape of every Conv2d and Linear layer as it runs."""

    def __init__(self, model):
        import torch.nn as nn
        self.calls, self.handles = [], []
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                self.handles.append(module.register_forward_pre_hook(self._before))
                self.handles.append(module.register_forward_hook(self._after))

    def _before(self, module, inputs):
        self.calls.append([module, tuple(inputs[0].shape), None])

    def _after(self, module, inputs, output):
        self.calls[-1][2] = tuple(output.shape)

    def remove(self):
        for handle in self.handles:
            handle.remove()


def _flatten_diagnosis(log, batch):
    """Why the first fully connected layer failed, from the shape that arrived there."""
    import torch.nn as nn
    for layer, arrived, out in log.calls:
        module = f"{type(layer).__name__}({_layer_arguments(layer)})"
        if isinstance(layer, nn.Linear) and out is None:
            if len(arrived) != 2:
                return (f"\nLikely mistake: flatten missing. A tensor of shape {arrived} reached "
                        f"{module}: flatten each image to one vector first, with "
                        "torch.flatten(x, 1) or nn.Flatten() (keeping the batch axis).")
            if arrived[0] != batch:
                return (f"\nLikely mistake: batch axis flattened too. A tensor of shape {arrived} "
                        f"reached {module}, for a batch of {batch}: use torch.flatten(x, 1).")
            return (f"\nLikely mistake: flatten size wrong. {module} expects {layer.in_features} "
                    f"features, but the flattened tensor that arrived has shape {arrived}. In "
                    "LeNet-5 on a 32x32 input, 16 channels of 5x5 arrive there: 400 features.")
    return ""


def _probabilities(out):
    import torch
    return bool((out >= 0).all()) and torch.allclose(out.sum(dim=1), torch.ones(len(out)), atol=1e-4)


SOFTMAX_BEFORE_LOSS = Mistake(
    "softmax before CrossEntropyLoss",
    "The model returns probabilities. CrossEntropyLoss applies log-softmax itself: "
    "return the raw scores (logits) of the last Linear layer.", None)


def expect_lenet5(cls, num_classes=None, batch=2):
    """LeNet5(num_classes) builds LeNet-5: every layer's shapes, the output, the count,
    and the `classifier` whose last layer is the output layer."""
    __tracebackhide__ = True
    import torch
    import torch.nn as nn
    kwargs = {} if num_classes is None else {"num_classes": num_classes}
    classes = 10 if num_classes is None else num_classes
    call = call_text(cls, (), kwargs)
    torch.manual_seed(0)
    model = _call(cls, (), kwargs)
    if not isinstance(model, nn.Module):
        raise AssertionError(f"{call} made a {type(model).__name__}; expected an nn.Module.")
    x = torch.rand(batch, 1, 32, 32, generator=torch.Generator().manual_seed(1))
    log = _LayerLog(model)
    try:
        model.eval()
        with torch.no_grad():
            out = model(x)
    except NotImplementedError:
        raise AssertionError(f"{call}: forward raised NotImplementedError: the function is "
                             "not written yet.") from None
    except Exception as error:
        raise AssertionError(f"{call} failed on a batch of shape {tuple(x.shape)}, where "
                             f"scores of shape ({batch}, {classes}) were expected: "
                             f"{type(error).__name__}: {error}{_flatten_diagnosis(log, batch)}") from None
    finally:
        log.remove()
    layers = [(type(m).__name__, i[1:], o[1:]) for m, i, o in log.calls]
    expected = _lenet5_layers(classes)
    if [kind for kind, _, _ in layers] != [kind for kind, _, _ in expected]:
        raise AssertionError(
            f"{call} ran the layers {[k for k, _, _ in layers]} on a batch; LeNet-5 has two "
            "Conv2d layers (6 and 16 filters of 5x5, each followed by 2x2 pooling) and three "
            "Linear layers (120, 84, then one output per class), in that order.")
    for index, (got, want) in enumerate(zip(layers, expected), 1):
        if got != want:
            raise AssertionError(
                f"{call}: layer {index} ({got[0]}) received {got[1]} and gave {got[2]} per image; "
                f"LeNet-5's receives {want[1]} and gives {want[2]}.")
    if tuple(out.shape) != (batch, classes):
        raise AssertionError(f"{call} returned shape {tuple(out.shape)} for {batch} images; "
                             f"expected ({batch}, {classes}): one score per class.")
    if _probabilities(out):
        raise AssertionError(f"{call}: each row of the output sums to 1; expected raw scores "
                             f"(logits).{_named(SOFTMAX_BEFORE_LOSS)}")
    count = _numel(model.parameters())
    if count != lenet5_parameters(classes):
        raise AssertionError(f"{call} has {count:,} parameters; expected "
                             f"{lenet5_parameters(classes):,}.")
    head = getattr(model, "classifier", None)
    if not isinstance(head, nn.Sequential) or not isinstance(head[-1], nn.Linear) \
            or head[-1].out_features != classes:
        raise AssertionError(
            f"{call}: model.classifier should be an nn.Sequential whose last layer is the "
            f"output layer, nn.Linear(84, {classes}); replace_head relies on it.")


# train_epoch and evaluate are run on a small network with batch norm and dropout, whose
# behaviour depends on the mode it is in; a hook records the mode at every forward pass.

def _small_net(dropout=0.0):
    import torch
    import torch.nn as nn
    torch.manual_seed(3)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Dropout(dropout), nn.Linear(4 * 6 * 6, 3))


def _loader(n, batch_size, seed):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, 8, 8, generator=generator)
    y = torch.randint(0, 3, (n,), generator=generator)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size)


class _ModeLog:
    """At each forward pass of the model: were its batch-norm and dropout layers in
    training mode, and was autograd recording?"""

    def __init__(self, model):
        import torch.nn as nn
        self.switching = [m for m in model.modules() if isinstance(m, (nn.Dropout, nn.BatchNorm2d))]
        self.training, self.recording = [], []
        self.handle = model.register_forward_pre_hook(self._before)

    def _before(self, module, inputs):
        import torch
        self.training.append([m.training for m in self.switching])
        self.recording.append(torch.is_grad_enabled())

    def remove(self):
        self.handle.remove()


def _optimizer(kind, model):
    import torch
    if kind == "adam":
        return torch.optim.Adam(model.parameters(), lr=0.01)
    return torch.optim.SGD(model.parameters(), lr=0.5)


def _run_epoch(model, loader, optimizer, zero_grad=True, softmax=False, step=True):
    """One epoch, the right way or with one known mistake; returns each batch's loss and
    the parameters afterwards."""
    import torch.nn.functional as F
    optimizer = _optimizer(optimizer, model)
    model.train()
    losses = []
    for x, y in loader:
        if zero_grad:
            optimizer.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out.softmax(dim=1) if softmax else out, y)
        loss.backward()
        if step:
            optimizer.step()
        losses.append(loss.item())
    return losses, [p.detach().clone() for p in model.parameters()]


# Variants of one training epoch: (model, loader, optimizer kind) -> (losses, parameters).
TRAIN_EPOCH_MISTAKES = [
    Mistake("forgot zero_grad",
            "loss.backward() adds to the gradients already there: call optimizer.zero_grad() "
            "for every batch, before backward().",
            lambda model, loader, optimizer: _run_epoch(model, loader, optimizer, zero_grad=False)),
    Mistake(SOFTMAX_BEFORE_LOSS.name,
            "CrossEntropyLoss applies log-softmax itself: give it the model's raw scores.",
            lambda model, loader, optimizer: _run_epoch(model, loader, optimizer, softmax=True)),
    Mistake("parameters never updated",
            "Call optimizer.step() after loss.backward() (and zero the gradients before "
            "backward, not between backward and step).",
            lambda model, loader, optimizer: _run_epoch(model, loader, optimizer, step=False)),
]
FORGOT_TRAIN = Mistake(  # seen by the hooks, as the mode of each forward pass
    "forgot model.train()",
    "evaluate() leaves the model in evaluation mode; train_epoch must switch it back, "
    "or dropout stays off and batch norm uses running statistics while training.", None)
# Wrong ways to report the epoch's loss, from the batches' losses.
LOSS_MISTAKES = [
    Mistake("last batch's loss returned", "Average the losses of all batches.",
            lambda losses: losses[-1]),
    Mistake("losses summed, not averaged", "Divide by the number of batches.", sum),
]


def _number(call, answer, what):
    """A loss or an accuracy as a float; a tensor or anything else is explained."""
    if hasattr(answer, "detach"):
        raise AssertionError(f"{call} returned a tensor ({answer!r}); return {what} as a "
                             "Python number: tensor.item() gives it.")
    try:
        return float(_plain_number(answer))
    except TypeError:
        raise AssertionError(f"{call} returned {answer!r}; expected {what} as a number.") from None


def _same(tensors, others):
    import torch
    return all(torch.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(tensors, others))


def expect_train_epoch(fn, seed=0, optimizer="sgd"):
    """train_epoch(model, loader, optimizer, loss_fn) must train one epoch in training
    mode and return the mean loss; the model comes to it in evaluation mode."""
    __tracebackhide__ = True
    import copy
    import torch.nn as nn
    model, loader = _small_net(), _loader(32, 8, seed)
    model.eval()
    start = copy.deepcopy(model)
    args = (model, loader, _optimizer(optimizer, model), nn.CrossEntropyLoss())
    call = call_text(fn, args, {})
    log = _ModeLog(model)
    try:
        answer = _call(fn, args, {})
    finally:
        log.remove()
    if not log.training:
        raise AssertionError(f"{call} never ran the model; expected one forward pass per batch.")
    if not all(all(modes) for modes in log.training):
        raise AssertionError(f"{call} ran the model with batch norm or dropout in evaluation "
                             f"mode; expected training mode.{_named(FORGOT_TRAIN)}")
    loss = _number(call, answer, "the mean loss")
    losses, expected = _run_epoch(copy.deepcopy(start), loader, optimizer)
    got = [p.detach() for p in model.parameters()]
    if not _same(got, expected):
        off = max((g - e).abs().max().item() for g, e in zip(got, expected))
        problem = (f"{call} left the model's parameters off by up to {off:.3g} from what one "
                   "epoch of training gives; expected the same steps as PyTorch's reference loop.")
        for mistake in TRAIN_EPOCH_MISTAKES:
            if _same(got, mistake.variant(copy.deepcopy(start), loader, optimizer)[1]):
                problem += _named(mistake)
                break
        raise AssertionError(problem)
    mean = sum(losses) / len(losses)
    if abs(loss - mean) > 1e-4 * abs(mean) + 1e-6:
        problem = f"{call} returned {loss:.6g}; the mean training loss over the epoch was {mean:.6g}."
        problem += next((_named(m) for m in LOSS_MISTAKES
                         if abs(loss - m.variant(losses)) <= 1e-4 * abs(mean)), "")
        raise AssertionError(problem)


# Seen by the hooks, at each forward pass:
FORGOT_EVAL = Mistake(
    "forgot model.eval()",
    "In training mode dropout drops units at random and batch norm uses the batch's "
    "statistics: call model.eval() before evaluating.", None)
FORGOT_NO_GRAD = Mistake(
    "forgot torch.no_grad()",
    "Evaluation needs no gradients: wrap it in `with torch.no_grad():` (or decorate the "
    "function with @torch.no_grad()) so autograd records nothing, which is faster and "
    "uses less memory.", None)
# Wrong accuracies, from which examples were right (a bool tensor) and the batch size.
ACCURACY_MISTAKES = [
    Mistake("accuracy as a percentage", "Return a fraction in [0, 1].",
            lambda right, batch_size: 100 * right.float().mean().item()),
    Mistake("correct predictions counted", "Divide them by the number of examples.",
            lambda right, batch_size: right.sum().item()),
    Mistake("accuracy averaged over batches of different sizes",
            "The last batch is smaller: divide all correct predictions by all examples.",
            lambda right, batch_size:
                sum(b.mean().item() for b in right.float().split(batch_size))
                / len(right.float().split(batch_size))),
]


def expect_evaluate(fn, seed=0):
    """evaluate(model, loader) must return the accuracy in [0, 1], computed in evaluation
    mode without gradients; the model comes to it in training mode."""
    __tracebackhide__ = True
    import torch
    model, loader = _small_net(dropout=0.5), _loader(40, 16, seed)   # batches of 16, 16, 8
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(x).argmax(dim=1) for x, _ in loader])
    # Make about two thirds of the labels right, at seeded places, so accuracy is not trivial.
    x = loader.dataset.tensors[0]
    right = torch.rand(len(x), generator=torch.Generator().manual_seed(seed)) < 0.65
    loader.dataset.tensors = (x, torch.where(right, predicted, (predicted + 1) % 3))
    model.train()
    before = [p.detach().clone() for p in model.parameters()]
    call = call_text(fn, (model, loader), {})
    log = _ModeLog(model)
    try:
        answer = _call(fn, (model, loader), {})
    finally:
        log.remove()
    if any(any(modes) for modes in log.training):
        raise AssertionError(f"{call} ran the model in training mode; expected evaluation "
                             f"mode.{_named(FORGOT_EVAL)}")
    if any(log.recording):
        raise AssertionError(f"{call} ran the model with autograd recording; expected no "
                             f"gradients.{_named(FORGOT_NO_GRAD)}")
    accuracy = _number(call, answer, "the accuracy")
    expected = right.float().mean().item()
    if not _same([p.detach() for p in model.parameters()], before):
        raise AssertionError(f"{call} changed the model's parameters; expected evaluation to "
                             "only read them.")
    if abs(accuracy - expected) > 1e-6:
        problem = f"{call} returned {accuracy:.6g}; expected the accuracy {expected:.6g} ({int(right.sum())} of {len(x)} right)."
        problem += next((_named(m) for m in ACCURACY_MISTAKES
                         if abs(accuracy - m.variant(right, loader.batch_size)) < 1e-6 * max(1, accuracy)), "")
        raise AssertionError(problem)


# freeze_backbone and replace_head are tried on networks built like LeNet5: a `features`
# part, then a `classifier` nn.Sequential whose last layer, the head, gives the classes.

def _transfer_net(kind):
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, features, classifier):
            super().__init__()
            self.features, self.classifier = features, classifier

        def forward(self, x):
            return self.classifier(self.features(x))

    torch.manual_seed(4)
    if kind == "lenet5":
        return Net(nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2)),
                   nn.Sequential(nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
                                 nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)))
    return Net(nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(3), nn.Flatten()),
               nn.Sequential(nn.Linear(72, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 7)))


def _trainable(model):
    return sorted(name for name, p in model.named_parameters() if p.requires_grad)


def _head_names(model):
    return sorted(f"classifier.{len(model.classifier) - 1}.{name}"
                  for name, _ in model.classifier[-1].named_parameters())


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


def _freezing_diagnosis(model):
    trainable, head = set(_trainable(model)), set(_head_names(model))
    everything = {name for name, _ in model.named_parameters()}
    if not head <= trainable:
        return _named(HEAD_FROZEN_TOO)
    if trainable == everything:
        return _named(BACKBONE_NOT_FROZEN)
    if not any(name.startswith("features.") for name in trainable):
        return _named(ONLY_CONVOLUTIONS_FROZEN)
    return ""


def _returns_model(call, answer, model):
    if answer is not model:
        raise AssertionError(f"{call} returned {type(answer).__name__}; expected the model "
                             "itself (changed in place), so the calls can be chained.")


def expect_freeze_backbone(fn, kind="lenet5"):
    """freeze_backbone(model): every parameter but the head's stops training, values kept."""
    __tracebackhide__ = True
    model = _transfer_net(kind)
    before = [p.detach().clone() for p in model.parameters()]
    call = call_text(fn, (model,), {})
    _returns_model(call, _call(fn, (model,), {}), model)
    trainable, head = _trainable(model), _head_names(model)
    if trainable != head:
        raise AssertionError(f"{call}: afterwards {trainable or 'no parameter'} still train; "
                             f"expected only the head's, {head}.{_freezing_diagnosis(model)}")
    if not _same([p.detach() for p in model.parameters()], before):
        raise AssertionError(f"{call} changed parameter values; expected them kept: freezing "
                             "only stops training.")


def expect_replace_head(fn, num_classes, kind="lenet5"):
    """replace_head(model, num_classes): a new, trainable nn.Linear with the old head's
    input size and one output per class; the rest of the model untouched."""
    __tracebackhide__ = True
    import torch
    import torch.nn as nn
    model = _transfer_net(kind)
    old, layers = model.classifier[-1], len(model.classifier)
    kept = {name: p.detach().clone() for name, p in model.named_parameters()
            if name not in _head_names(model)}
    call = call_text(fn, (model, num_classes), {})
    _returns_model(call, _call(fn, (model, num_classes), {}), model)
    new = model.classifier[-1]
    if len(model.classifier) == layers + 1 and model.classifier[-2] is old:
        raise AssertionError(f"{call} added a layer after the old head; expected the new "
                             "head in its place.\nLikely mistake: head appended, not replaced. "
                             "Put the new layer in the old one's place: "
                             "model.classifier[-1] = nn.Linear(...).")
    if new is old or not isinstance(new, nn.Linear):
        raise AssertionError(f"{call}: model.classifier[-1] is {new}; expected a new "
                             f"nn.Linear({old.in_features}, {num_classes}).")
    if new.in_features != old.in_features:
        raise AssertionError(
            f"{call}: the new head takes {new.in_features} features; expected "
            f"{old.in_features}, what the layer before it gives.\nLikely mistake: head's input size hard-coded. Read it from "
            "the old head: model.classifier[-1].in_features.")
    if new.out_features != num_classes:
        raise AssertionError(f"{call}: the new head has {new.out_features} outputs; expected "
                             f"{num_classes}, one per class.")
    if not all(p.requires_grad for p in new.parameters()):
        raise AssertionError(f"{call}: the new head does not train; expected its parameters "
                             f"to require gradients.{_named(HEAD_FROZEN_TOO)}")
    now = dict(model.named_parameters())
    changed = [name for name, value in kept.items() if name not in now or not _same([now[name].detach()], [value])]
    if changed:
        raise AssertionError(f"{call} changed {changed}; expected only the head to change.")
    model.eval()
    side = 32 if kind == "lenet5" else 8   # the image size each network is built for
    with torch.no_grad():
        out = model(torch.zeros(2, 1, side, side))
    if tuple(out.shape) != (2, num_classes):
        raise AssertionError(f"After {call} the model gives shape {tuple(out.shape)} for 2 "
                             f"images; expected (2, {num_classes}).")


def expect_transfer(freeze_backbone, replace_head, num_classes, freeze_first=True, kind="lenet5"):
    """After both calls, in either order, only the new head trains: its parameters and
    no others."""
    __tracebackhide__ = True
    model = _transfer_net(kind)
    inputs = model.classifier[-1].in_features
    steps = [(freeze_backbone, (model,)), (replace_head, (model, num_classes))]
    if not freeze_first:
        steps.reverse()
    calls = (" then ".join(f"{fn.__name__}({', '.join(['model'] + [str(a) for a in args[1:]])})"
                           for fn, args in steps) + f", with model = {_describe(model)}")
    for fn, args in steps:
        _call(fn, args, {})
    count = _numel(p for p in model.parameters() if p.requires_grad)
    expected = inputs * num_classes + num_classes
    if _trainable(model) != _head_names(model) or count != expected:
        raise AssertionError(f"After {calls}, {count:,} parameters train; expected {expected:,}, "
                             f"the new head's ({inputs} x {num_classes} weights + {num_classes} "
                             f"biases).{_freezing_diagnosis(model)}")


# The digits the exercise trains on, and the ones kept back to grade the trained model.

DIGITS_SEED = 2026


def digits_32():
    """scikit-learn's 1,797 handwritten digits as float images (N, 1, 32, 32) in [0, 1]
    (the 8x8 originals resized bilinearly), and their labels."""
    import torch
    import torch.nn.functional as F
    from sklearn.datasets import load_digits
    bunch = load_digits()
    images = torch.tensor(bunch.images / 16.0, dtype=torch.float32).unsqueeze(1)
    images = F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    return images, torch.tensor(bunch.target)


def digit_split():
    """Indices of the 1,000 training digits, the 400 test digits, and the other 397, kept
    back: the grader measures the trained model on those."""
    import torch
    order = torch.randperm(1797, generator=torch.Generator().manual_seed(DIGITS_SEED))
    return order[:1000], order[1000:1400], order[1400:]


def expect_trained(model, cls, minimum, on="test"):
    """The LeNet5 the training cell left in `model` classifies at least `minimum` of the
    test digits (on="test") or of the digits kept back (on="unseen")."""
    __tracebackhide__ = True
    import torch
    if model is None:
        raise AssertionError("There is no trained `model`: the training cell is not written "
                             "yet, or has not run.")
    if not isinstance(model, cls):
        raise AssertionError(f"`model` is a {type(model).__name__}; expected your LeNet5, "
                             "trained, in `model`.")
    if _numel(model.parameters()) != lenet5_parameters(10):
        raise AssertionError(f"`model` has {_numel(model.parameters()):,} parameters; expected "
                             f"{lenet5_parameters(10):,} (LeNet-5's for 10 classes).")
    images, labels = digits_32()
    index = digit_split()[1 if on == "test" else 2]
    model.eval()
    with torch.no_grad():
        right = (model(images[index]).argmax(dim=1) == labels[index]).sum().item()
    if right < minimum * len(index):
        where = "test digits" if on == "test" else "digits it never saw in training"
        raise AssertionError(
            f"The trained model classifies {right} of {len(index)} {where} correctly "
            f"({right / len(index):.1%}); expected at least {minimum:.0%}. Train for more "
            "epochs or adjust the learning rate, and check that the loss goes down.")
