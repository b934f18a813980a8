"""What Exercise 4's test cells run on the student's PyTorch code (released next to the
notebook as probes.py).

A probe builds a test's inputs (a small network, a loader, an optimizer: all seeded),
calls the student's function on them, watches what it does (hooks record each forward
pass's mode, whether autograd recorded, each layer's shapes) and returns what it saw as
plain data: numbers, strings, lists, arrays. `checks.observe` hands that back.

A probe holds no right answer. The grader runs the same probe on its own reference
functions (autograder/judge/ex04.py) and compares what both runs saw; in a student's
JupyterLab the course's grader, found in the repository folder, does the same.
"""

__tracebackhide__ = True  # IPython hides this module's frames in tracebacks

DIGITS_SEED = 2026
HELD_BACK_FILE = "held_back_digits.npy"   # written by the grader just before its test


def _raised(error):
    """An exception of the student's code, as plain data (the grader shows it)."""
    return {"raised": type(error).__name__, "message": str(error)[:2000]}


def _call(fn, *args):
    """(answer, None) or (None, the exception as plain data); Ctrl-C still stops."""
    try:
        return fn(*args), None
    except Exception as error:
        return None, _raised(error)


def _answer(value):
    """A returned loss or accuracy as plain data: a number stays a number; a tensor or
    any other object is described by its type and repr."""
    import numbers
    if isinstance(value, numbers.Real) and not isinstance(value, bool) \
            and type(value).__module__ in ("builtins", "numpy"):
        return {"number": float(value)}
    return {"object": type(value).__name__, "text": repr(value)[:200]}


def _arrays(model):
    return [p.detach().numpy().copy() for p in model.parameters()]


def same_arrays(arrays, others):
    """Whether two lists of arrays match in shape and, within 1e-4, in value."""
    import numpy as np
    return len(arrays) == len(others) and all(
        a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(arrays, others))


# ---------------------------------------------------------------------------------------
# LeNet5: built for a number of classes, run on a batch, every Conv2d and Linear watched.

class _LayerLog:
    """Records the input and output shape of every Conv2d and Linear layer as it runs, and
    whether anything but pooling or flattening happened to the previous layer's output
    on its way in (an activation), or not (a linear step)."""

    def __init__(self, model):
        import torch.nn as nn
        self.calls, self.handles, self.previous = [], [], None
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                self.handles.append(module.register_forward_pre_hook(self._before))
                self.handles.append(module.register_forward_hook(self._after))

    def _before(self, module, inputs):
        self.calls.append({"type": type(module).__name__,
                           "in_features": getattr(module, "in_features", None),
                           "out_features": getattr(module, "out_features", None),
                           "input": list(inputs[0].shape), "output": None,
                           "after_activation": None if self.previous is None else
                           not _only_pooled(self.previous, inputs[0])})

    def _after(self, module, inputs, output):
        self.calls[-1]["output"] = list(output.shape)
        self.previous = output.detach()

    def remove(self):
        for handle in self.handles:
            handle.remove()


def _only_pooled(before, after):
    """Whether `after` is `before` with nothing but 2x2 pooling and flattening done to it."""
    import torch
    import torch.nn.functional as F
    candidates = [before]
    if before.dim() == 4 and min(before.shape[2:]) >= 2:
        candidates += [F.max_pool2d(before, 2), F.avg_pool2d(before, 2)]
    return any(c.numel() == after.numel() and torch.allclose(c.reshape(after.shape), after, atol=1e-6)
               for c in candidates)


def run_lenet5(cls, num_classes=None, batch=2):
    """LeNet5(num_classes) built and run on a batch of 1x32x32 images: what it is, each
    layer's shapes, the output, the parameter count and the classifier's last layer."""
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    model, error = _call(cls) if num_classes is None else _call(cls, num_classes)
    if error:
        return {"built": error}
    if not isinstance(model, nn.Module):
        return {"built": {"object": type(model).__name__}}
    x = torch.rand(batch, 1, 32, 32, generator=torch.Generator().manual_seed(1))
    log = _LayerLog(model)
    try:
        model.eval()
        with torch.no_grad():
            out, error = _call(model, x)
    finally:
        log.remove()
    seen = {"built": "module", "layers": log.calls, "forward": error,
            "count": sum(p.numel() for p in model.parameters())}
    head = getattr(model, "classifier", None)
    seen["classifier"] = {"sequential": isinstance(head, nn.Sequential),
                          "last": type(head[-1]).__name__ if isinstance(head, nn.Sequential) and len(head) else None,
                          "out_features": getattr(head[-1], "out_features", None)
                          if isinstance(head, nn.Sequential) and len(head) else None}
    if error is None:
        if not isinstance(out, torch.Tensor):
            seen["forward"] = {"object": type(out).__name__}
        else:
            seen["output"] = list(out.shape)
            rows = out.detach().double()
            seen["rows_sum_to_one"] = bool((rows >= 0).all()) and len(rows.shape) == 2 and bool(
                torch.allclose(rows.sum(dim=1), torch.ones(len(rows), dtype=rows.dtype), atol=1e-4))
    return seen


# ---------------------------------------------------------------------------------------
# train_epoch and evaluate run on a small network with batch norm and dropout, whose
# behaviour depends on the mode it is in; a hook records the mode at every forward pass.

def small_net(dropout=0.0):
    import torch
    import torch.nn as nn
    torch.manual_seed(3)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Dropout(dropout), nn.Linear(4 * 6 * 6, 3))


def loader(n, batch_size, seed):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, 8, 8, generator=generator)
    y = torch.randint(0, 3, (n,), generator=generator)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size)


def optimizer(kind, model):
    import torch
    if kind == "adam":
        return torch.optim.Adam(model.parameters(), lr=0.01)
    return torch.optim.SGD(model.parameters(), lr=0.5)


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
        self.training.append(all(m.training for m in self.switching))
        self.recording.append(torch.is_grad_enabled())

    def remove(self):
        self.handle.remove()


def run_train_epoch(fn, seed=0, kind="sgd"):
    """train_epoch(model, loader, optimizer, CrossEntropyLoss()) on the small network, which
    comes in evaluation mode: the modes of its forward passes, what it returned, and its
    parameters afterwards."""
    import torch.nn as nn
    model, data = small_net(), loader(32, 8, seed)
    model.eval()
    log = _ModeLog(model)
    try:
        answer, error = _call(fn, model, data, optimizer(kind, model), nn.CrossEntropyLoss())
    finally:
        log.remove()
    return {"raised": error, "training": log.training, "answer": None if error else _answer(answer),
            "parameters": _arrays(model)}


def run_evaluate(fn, seed=0):
    """evaluate(model, loader) on the small network with dropout, which comes in training
    mode, on 40 examples in batches of 16, 16 and 8 whose labels are right for a seeded
    two thirds of the network's predictions: the modes and autograd of its forward
    passes, what it returned, and whether the parameters changed."""
    import torch
    model, data = small_net(dropout=0.5), loader(40, 16, seed)
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(x).argmax(dim=1) for x, _ in data])
    x = data.dataset.tensors[0]
    right = torch.rand(len(x), generator=torch.Generator().manual_seed(seed)) < 0.65
    data.dataset.tensors = (x, torch.where(right, predicted, (predicted + 1) % 3))
    model.train()
    before = _arrays(model)
    log = _ModeLog(model)
    try:
        answer, error = _call(fn, model, data)
    finally:
        log.remove()
    return {"raised": error, "training": log.training, "recording": log.recording,
            "answer": None if error else _answer(answer), "right": int(right.sum()), "total": len(x),
            "changed": not same_arrays(_arrays(model), before)}


# ---------------------------------------------------------------------------------------
# freeze_backbone and replace_head are tried on networks built like LeNet5: a `features`
# part, then a `classifier` nn.Sequential whose last layer, the head, gives the classes.

def transfer_net(kind):
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self, features, classifier):
            super().__init__()
            self.features, self.classifier = features, classifier

        def forward(self, x):
            return self.classifier(self.features(x))

    torch.manual_seed(4)
    if kind == "lenet_like":
        # LeNet-5's layout with fewer channels and units: a working LeNet-5 here would be
        # an answer to the LeNet5 exercise that a student could import instead of writing.
        return Net(nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(4, 8, 5), nn.ReLU(), nn.MaxPool2d(2)),
                   nn.Sequential(nn.Flatten(), nn.Linear(200, 60), nn.ReLU(),
                                 nn.Linear(60, 30), nn.ReLU(), nn.Linear(30, 10)))
    return Net(nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(),
                             nn.AdaptiveAvgPool2d(3), nn.Flatten()),
               nn.Sequential(nn.Linear(72, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 7)))


def _names(model):
    """The parameters' names: all, the trainable ones, and the head's."""
    head = model.classifier[-1] if len(getattr(model, "classifier", [])) else None
    head_names = [f"classifier.{len(model.classifier) - 1}.{name}" for name, _ in head.named_parameters()] \
        if head is not None else []
    return {"all": sorted(n for n, _ in model.named_parameters()),
            "trainable": sorted(n for n, p in model.named_parameters() if p.requires_grad),
            "head": sorted(head_names)}


def run_freeze_backbone(fn, kind="lenet_like"):
    """freeze_backbone(model): what it returned, which parameters train afterwards, and
    whether any value changed."""
    model = transfer_net(kind)
    before = _arrays(model)
    answer, error = _call(fn, model)
    return {"raised": error, "returned_model": answer is model,
            "returned": type(answer).__name__, "names": _names(model),
            "changed": not same_arrays(_arrays(model), before)}


def run_replace_head(fn, num_classes, kind="lenet_like"):
    """replace_head(model, num_classes): what it returned, what sits in the head's place,
    which other parameters changed, and the shape of the output for 2 images."""
    import torch
    model = transfer_net(kind)
    old, layers = model.classifier[-1], len(model.classifier)
    head_names = set(_names(model)["head"])
    kept = {n: p.detach().clone() for n, p in model.named_parameters() if n not in head_names}
    answer, error = _call(fn, model, num_classes)
    seen = {"raised": error, "returned_model": answer is model,
            "returned": type(answer).__name__}
    if error:
        return seen
    new = model.classifier[-1]
    now = dict(model.named_parameters())
    seen.update({
        "appended": len(model.classifier) == layers + 1 and model.classifier[-2] is old,
        "old_in_features": old.in_features,
        "head": {"new": new is not old, "type": type(new).__name__, "text": repr(new)[:200],
                 "in_features": getattr(new, "in_features", None),
                 "out_features": getattr(new, "out_features", None),
                 "trains": all(p.requires_grad for p in new.parameters())},
        "changed": sorted(n for n, value in kept.items()
                          if n not in now or not torch.equal(now[n].detach(), value))})
    model.eval()
    side = 32 if kind == "lenet_like" else 8   # the image size each network is built for
    with torch.no_grad():
        out, error = _call(model, torch.zeros(2, 1, side, side))
    seen["output"] = list(out.shape) if isinstance(out, torch.Tensor) else error
    return seen


def run_transfer(functions, num_classes, freeze_first=True, kind="lenet_like"):
    """freeze_backbone then replace_head (or the other way round) on one model: which
    parameters train afterwards, and how many values."""
    freeze, replace = functions
    model = transfer_net(kind)
    seen = {"inputs": model.classifier[-1].in_features}
    steps = [("freeze_backbone", freeze, (model,)), ("replace_head", replace, (model, num_classes))]
    if not freeze_first:
        steps.reverse()
    seen["calls"] = [name for name, _, _ in steps]
    for name, fn, args in steps:
        _, error = _call(fn, *args)
        if error:
            return {**seen, "raised": error, "by": name}
    return {**seen, "raised": None, "names": _names(model),
            "head_inputs": getattr(model.classifier[-1], "in_features", None),
            "count": sum(p.numel() for p in model.parameters() if p.requires_grad)}


# ---------------------------------------------------------------------------------------
# The digits the exercise trains on, and what the trained model predicts.

def digits_32():
    """scikit-learn's 1,797 handwritten digits as float images (N, 1, 32, 32) in [0, 1]
    (the 8x8 originals resized bilinearly), and their labels."""
    import torch
    from sklearn.datasets import load_digits
    bunch = load_digits()
    return to_32(torch.tensor(bunch.images / 16.0, dtype=torch.float32)), torch.tensor(bunch.target)


def to_32(images_8):
    """8x8 images in [0, 1], (N, 8, 8), resized bilinearly to (N, 1, 32, 32)."""
    import torch.nn.functional as F
    return F.interpolate(images_8.unsqueeze(1), size=(32, 32), mode="bilinear", align_corners=False)


def digit_split():
    """Indices of the 1,000 training digits and the 400 test digits; the other 397 are
    not used (the grader measures the trained model on digits of its own)."""
    import torch
    order = torch.randperm(1797, generator=torch.Generator().manual_seed(DIGITS_SEED))
    return order[:1000], order[1000:1400], order[1400:]


def run_trained_model(model, on="test", minimum=None):
    """What the trained `model` predicts for the 400 test digits (on="test") or for the
    digits the grader has just made and put beside the notebook (on="held back"): their
    images only, never their labels. `minimum`, the accuracy the test asks for, is the
    grader's to check."""
    import os
    import numpy as np
    import torch
    import torch.nn as nn
    if not isinstance(model, nn.Module):
        return {"model": type(model).__name__}
    seen = {"model": "module", "count": sum(p.numel() for p in model.parameters())}
    if on == "test":
        images = digits_32()[0][digit_split()[1]]
    elif os.path.exists(HELD_BACK_FILE):
        images = torch.from_numpy(np.load(HELD_BACK_FILE))
        os.remove(HELD_BACK_FILE)
    else:
        return {**seen, "missing": HELD_BACK_FILE}
    model.eval()
    with torch.no_grad():
        out, error = _call(model, images)
    if error or not isinstance(out, torch.Tensor) or out.shape[:1] != images.shape[:1] or out.dim() != 2:
        return {**seen, "predicted": error or {"object": f"{type(out).__name__} {list(getattr(out, 'shape', []))}"}}
    return {**seen, "predicted": out.argmax(dim=1).numpy().astype("int64")}


def written_differently(images, seed=0):
    """The same 32x32 digits written differently, for the transfer demo: strokes thickened
    (a 5x5 maximum filter), each digit moved by up to 4 pixels (zeros fill in) and
    Gaussian noise with a standard deviation of 0.3 added; values stay in [0, 1]."""
    import torch
    import torch.nn.functional as F
    generator = torch.Generator().manual_seed(seed)
    thick = F.pad(F.max_pool2d(images, 5, stride=1, padding=2), (4, 4, 4, 4))
    moves = torch.randint(0, 9, (len(images), 2), generator=generator).tolist()
    moved = torch.stack([thick[i, :, dy:dy + 32, dx:dx + 32]
                         for i, (dy, dx) in enumerate(moves)])
    return (moved + 0.3 * torch.randn(moved.shape, generator=generator)).clamp(0, 1)
