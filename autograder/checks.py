"""Checks used by the exercise notebooks' test cells, visible and hidden.

Each check calls the student's function on one input and compares the answer with an
expected value that the test cell computed itself (from PyTorch, or by hand). When the
answer is wrong, the AssertionError says on which input, what was expected, what came
back and, when the answer equals a known wrong variant, which mistake it looks like:
the line "Likely mistake: NAME." is what the class report counts.

This file is copied next to every released exercise notebook, and the grader puts the
course's copy back before grading, so an edited copy changes nothing.
"""

import importlib
import inspect
import math
import numbers
import operator
import sys

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
# Known mistakes, by graded function. Each variant takes the graded function's arguments.

def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


CONV_OUTPUT_SIZE_MISTAKES = Mistakes([
    Mistake(
        "output size not floored",
        "A window position counts only if the whole window fits: divide by the stride, "
        "then round down (floor), i.e. use //.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1,
    ),
    Mistake(
        "output size rounded up",
        "A window that hangs over the edge does not count: round down, not up.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            math.ceil((input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1,
    ),
    Mistake(
        "padding counted once",
        "Padding is added on both sides of the input: W + 2P, not W + P.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + padding - dilation * (kernel_size - 1) - 1) // stride + 1,
    ),
    Mistake(
        "dilation ignored",
        "A dilated kernel spans D*(K-1) + 1 pixels, not K.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + 2 * padding - (kernel_size - 1) - 1) // stride + 1,
    ),
    Mistake(
        "dilated kernel taken as D*K pixels wide",
        "With dilation D, a K-tap kernel spans D*(K-1) + 1 pixels (there are K-1 gaps).",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + 2 * padding - dilation * kernel_size) // stride + 1,
    ),
    Mistake(
        "the first window forgotten (+1 missing)",
        "(input_size + 2P - D*(K-1) - 1) // S counts the steps between windows; "
        "there is one more window than steps.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride,
    ),
], probes=[
    ((8, 3), {"stride": 2}), ((32, 3), {"padding": 1}), ((32, 3), {"padding": 2, "dilation": 2}),
    ((9, 2), {"stride": 3, "dilation": 3}), ((20, 5), {"stride": 3, "padding": 1}),
    ((15, 3), {"stride": 2, "padding": 1, "dilation": 2}),
])

FC_PARAM_COUNT_MISTAKES = Mistakes([
    Mistake(
        "bias forgotten",
        "nn.Linear has one bias per output neuron: add out_features when bias=True.",
        lambda in_features, out_features, bias=True:
            in_features * out_features if bias else None,
    ),
    Mistake(
        "bias counted per input",
        "There is one bias per output neuron, not per input.",
        lambda in_features, out_features, bias=True:
            in_features * out_features + in_features if bias else None,
    ),
    Mistake(
        "bias=False ignored",
        "With bias=False the layer has weights only.",
        lambda in_features, out_features, bias=True:
            in_features * out_features + out_features if not bias else None,
    ),
], probes=[
    ((784, 10), {}), ((784, 10), {"bias": False}), ((5, 3), {}),
])


def _conv_variant(*, use_bias=None, per_filter=None, out_div=lambda g: 1, square=False,
                  only_if=lambda i, o, kh, kw, bias, groups: True):
    """A wrong conv_param_count; None where the mistake would not change the answer."""
    def variant(in_channels, out_channels, kernel_size, bias=True, groups=1):
        kh, kw = _pair(kernel_size)
        if not only_if(in_channels, out_channels, kh, kw, bias, groups):
            return None
        inputs = in_channels // groups if per_filter is None else per_filter(in_channels)
        weights = kh * (kh if square else kw) * inputs * (out_channels // out_div(groups))
        return weights + (out_channels if (bias if use_bias is None else use_bias) else 0)
    return variant


CONV_PARAM_COUNT_MISTAKES = Mistakes([
    Mistake(
        "bias forgotten",
        "nn.Conv2d has one bias per output channel: add out_channels when bias=True.",
        _conv_variant(use_bias=False, only_if=lambda i, o, kh, kw, bias, g: bias),
    ),
    Mistake(
        "bias=False ignored",
        "With bias=False the layer has weights only.",
        _conv_variant(use_bias=True, only_if=lambda i, o, kh, kw, bias, g: not bias),
    ),
    Mistake(
        "input channels forgotten",
        "Each filter spans every input channel of its group: "
        "KH*KW*(in_channels/groups) weights per output channel.",
        _conv_variant(per_filter=lambda i: 1, only_if=lambda i, o, kh, kw, bias, g: i != g),
    ),
    Mistake(
        "groups ignored",
        "With groups=G each filter sees only in_channels/G of the input channels.",
        _conv_variant(per_filter=lambda i: i, only_if=lambda i, o, kh, kw, bias, g: g > 1),
    ),
    Mistake(
        "groups divided out twice",
        "Each of the out_channels filters sees in_channels/G inputs; "
        "out_channels is not divided by G.",
        _conv_variant(out_div=lambda g: g, only_if=lambda i, o, kh, kw, bias, g: g > 1),
    ),
    Mistake(
        "kernel taken as square",
        "kernel_size=(KH, KW) is a pair: each filter has KH*KW weights per channel.",
        _conv_variant(square=True, only_if=lambda i, o, kh, kw, bias, g: kh != kw),
    ),
], probes=[
    ((3, 96, 11), {}), ((64, 128, 3), {"bias": False}), ((32, 32, 3), {"groups": 32}),
    ((16, 32, (3, 5)), {"groups": 4}), ((3, 16, (3, 5)), {}),
])


def _layer(layer):
    kernel, stride, *rest = layer
    return kernel, stride, (rest[0] if rest else 1)


def _rf(layers, *, compound=True, dilate=True, current_stride=False, add_kernels=False):
    if add_kernels:
        return sum(_layer(l)[0] for l in layers) if layers else 1
    size, jump = 1, 1
    for layer in layers:
        kernel, stride, dilation = _layer(layer)
        if current_stride and compound:
            jump *= stride
        size += (kernel - 1) * (dilation if dilate else 1) * (jump if compound else 1)
        if compound and not current_stride:
            jump *= stride
    return size


RECEPTIVE_FIELD_MISTAKES = Mistakes([
    Mistake(
        "stride not compounded",
        "Each layer's (K-1) step is in units of the product of all earlier strides: "
        "one pixel after a stride-2 layer is two input pixels.",
        lambda layers: _rf(layers, compound=False),
    ),
    Mistake(
        "dilation ignored",
        "A dilated kernel spans D*(K-1) + 1 pixels: it adds D*(K-1) to the field.",
        lambda layers: _rf(layers, dilate=False),
    ),
    Mistake(
        "the layer's own stride compounded too early",
        "A layer's stride scales the layers after it, not its own kernel.",
        lambda layers: _rf(layers, current_stride=True),
    ),
    Mistake(
        "kernel sizes added",
        "Two stacked 3x3 convolutions see 5 pixels, not 6: each layer adds K-1.",
        lambda layers: _rf(layers, add_kernels=True),
    ),
], probes=[
    (([(3, 1), (3, 1)],), {}), (([(3, 2), (3, 2), (3, 1)],), {}),
    (([(3, 1, 2), (3, 1)],), {}), (([(5, 2), (3, 1, 2)],), {}),
])


# ---------------------------------------------------------------------------------------
# Arrays. Comparisons use only methods of numpy's own ndarray type (a submission cannot
# patch those), never np.allclose or numpy.testing (it can patch those).

LIBRARY_CONVOLUTIONS = {
    "torch": ["conv1d", "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d"],
    "torch.nn.functional": ["conv1d", "conv2d", "conv_transpose2d", "max_pool2d",
                            "avg_pool2d", "unfold", "adaptive_avg_pool2d", "adaptive_max_pool2d"],
    "scipy.signal": ["convolve", "correlate", "convolve2d", "correlate2d", "fftconvolve",
                     "oaconvolve"],
    "scipy.ndimage": ["convolve", "correlate", "maximum_filter", "uniform_filter"],
    "numpy": ["convolve", "correlate"],
}
FORBIDDEN_MODULES = ("torch", "scipy.signal", "scipy.ndimage")
SHORTCUT = Mistake(
    "library convolution used",
    "This exercise is about writing the convolution yourself, so a library convolution "
    "earns no points here. numpy is fair, including sliding_window_view and einsum.",
    lambda *args, **kwargs: None)


class _Tripwire:
    def __init__(self, name):
        self.name = name

    def __call__(self, *args, **kwargs):
        raise _ShortcutUsed(self.name)


class _ShortcutUsed(Exception):
    pass


def _referenced_library(fn, seen=None):
    """A library convolution or module the function (or a helper of the same notebook it
    calls) refers to by a global name, or None."""
    seen = set() if seen is None else seen
    code = getattr(fn, "__code__", None)
    if code is None or code in seen:
        return None
    seen.add(code)
    codes, names = [code], set()
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(c for c in current.co_consts if inspect.iscode(c))
    forbidden = {id(getattr(sys.modules[m], f)): f"{m}.{f}"
                 for m, fs in LIBRARY_CONVOLUTIONS.items() if m in sys.modules and m != "numpy"
                 for f in fs if hasattr(sys.modules[m], f)}
    for name in names:
        value = fn.__globals__.get(name)
        module = getattr(value, "__name__", "") if inspect.ismodule(value) else ""
        if id(value) in forbidden:
            return forbidden[id(value)]
        if module.startswith(FORBIDDEN_MODULES):
            return module
        if inspect.isfunction(value) and value.__globals__ is fn.__globals__:
            found = _referenced_library(value, seen)
            if found:
                return found
    return None


def _call_without_libraries(fn, args, kwargs):
    """Call the student's function with library convolutions replaced by tripwires."""
    __tracebackhide__ = True
    call = call_text(fn, args, kwargs)
    found = _referenced_library(fn)
    saved = []
    try:
        for module_name, names in LIBRARY_CONVOLUTIONS.items():
            module = importlib.import_module(module_name)
            for name in names:
                if hasattr(module, name):
                    saved.append((module, name, getattr(module, name)))
                    setattr(module, name, _Tripwire(f"{module_name}.{name}"))
        try:
            answer = _call(fn, args, kwargs) if not found else None
        except AssertionError as error:
            if isinstance(error.__context__, _ShortcutUsed):
                found = str(error.__context__)
            else:
                raise
    finally:
        for module, name, original in reversed(saved):
            setattr(module, name, original)
    if found:
        raise AssertionError(f"{call} uses {found}.{_named(SHORTCUT)}")
    return answer


def _close(a, b, rtol, atol):
    """Elementwise |a - b| <= atol + rtol * |b| on float64 ndarrays (NaN is never close)."""
    return bool((abs(a - b) <= atol + rtol * abs(b)).all())


def _compare(call, label, got, expected, rtol, atol):
    """None when `got` matches; otherwise the sentence saying how it differs."""
    import numpy as np
    if type(got) is not np.ndarray:  # exactly: no subclass with a friendly ==
        return f"{call} returned {label}a {type(got).__name__}; expected a numpy array of shape {expected.shape}."
    if got.dtype.kind not in "fiu":
        return f"{call} returned {label}an array of {got.dtype}; expected numbers."
    got = got.astype("float64")
    if got.shape != expected.shape:
        return f"{call} returned {label}shape {got.shape}; expected {expected.shape}."
    if _close(got, expected, rtol, atol):
        return None
    error = abs(got - expected)
    worst = np.unravel_index(error.argmax(), error.shape)
    return (f"{call} returned {label}wrong values: off by up to {error.max():.3g}; at index "
            f"{tuple(int(i) for i in worst)} it gave {got[worst]:.6g} where "
            f"{expected[worst]:.6g} was expected.")


def _matches(got, wrong, expected, rtol, atol):
    """Whether the answer equals a wrong variant that differs from the right answer."""
    import numpy as np
    if wrong is None or type(got) is not np.ndarray:
        return False
    wrong = np.array(wrong, dtype="float64")
    got = got.astype("float64")
    same_as_right = wrong.shape == expected.shape and _close(wrong, expected, rtol, atol)
    return wrong.shape == got.shape and _close(got, wrong, rtol, atol) and not same_as_right


def expect_arrays(fn, args, kwargs, expected, mistakes=(), rtol=1e-5, atol=1e-6, names=None):
    """The call must return arrays equal to `expected` (a tuple of arrays, or one array)
    within the tolerance; `names` label the parts of a tuple ("dx", "dw", "db").
    A mistake's variant returns the same structure as the function."""
    __tracebackhide__ = True
    import numpy as np
    call = call_text(fn, args, kwargs)
    single = not isinstance(expected, tuple)
    parts = [np.array(e, dtype="float64") for e in ((expected,) if single else expected)]
    answer = _call_without_libraries(fn, args, kwargs)
    if single:
        answer = (answer,)
    elif type(answer) not in (tuple, list) or len(answer) != len(parts):
        raise AssertionError(f"{call} returned {type(answer).__name__}; expected a tuple "
                             f"({', '.join(names or [])}) of {len(parts)} arrays.")
    for index, (got, right) in enumerate(zip(answer, parts)):
        label = "" if single else f"{names[index]} with "
        problem = _compare(call, label, got, right, rtol, atol)
        if problem is None:
            continue
        for mistake in mistakes:
            try:
                wrong = mistake.variant(*args, **kwargs)
            except Exception:
                continue
            if wrong is not None and _matches(got, wrong if single else wrong[index], right, rtol, atol):
                problem += _named(mistake)
                break
        raise AssertionError(problem)


def expect_array(fn, args, kwargs, expected, mistakes=(), rtol=1e-5, atol=1e-6):
    """The call must return one numpy array equal to `expected` within the tolerance
    (float32 results agree with float64 references to about 1e-6 relative)."""
    __tracebackhide__ = True
    expect_arrays(fn, args, kwargs, expected, mistakes, rtol, atol)


# Known mistakes of the convolution-by-hand functions, as torch computations in float64.

def _t(array):
    import numpy as np
    import torch
    return torch.from_numpy(np.array(array, dtype="float64"))


def _conv(x, w, b=None, stride=1, padding=0):
    import torch.nn.functional as F
    return F.conv2d(_t(x), _t(w), None if b is None else _t(b), stride=_pair(stride),
                    padding=_pair(padding)).numpy()


def _swapped(value):
    return tuple(reversed(_pair(value)))


def _one_side_padding(x, w, b=None, stride=1, padding=0):
    import numpy as np
    ph, pw = _pair(padding)
    if not (ph or pw):
        return None
    padded = np.pad(np.array(x, dtype="float64"), ((0, 0), (0, 0), (ph, 0), (pw, 0)))
    return _conv(padded, w, b, stride, 0)


CORR2D_MISTAKES = Mistakes([
    Mistake("kernel flipped",
            "That is true convolution. Deep-learning libraries compute cross-correlation: "
            "the kernel slides over the image as it is, without flipping.",
            lambda image, kernel: _conv(_t(image)[None, None], _t(kernel).flip(0, 1)[None, None])[0, 0]),
], probes=[])

CONV2D_MISTAKES = Mistakes([
    Mistake("kernel flipped",
            "That is true convolution. Deep-learning libraries compute cross-correlation: "
            "the kernel slides over the image as it is, without flipping.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, _t(w).flip(2, 3).numpy(), b, stride, padding)),
    Mistake("bias dropped",
            "Each output channel adds its bias b[o] to every position.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, None, stride, padding) if b is not None else None),
    Mistake("padding on one side only",
            "Padding P adds P zeros on each side: top and bottom, left and right.",
            _one_side_padding),
    Mistake("input channels not summed (only the first used)",
            "Each output channel sums the cross-correlations of all input channels.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(_t(x)[:, :1].numpy(), _t(w)[:, :1].numpy(), b, stride, padding)
                if len(x[0]) > 1 else None),
    Mistake("input channels averaged instead of summed",
            "Each output channel sums over input channels; it does not divide by their number.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, _t(w).numpy() / len(x[0]), b, stride, padding) if len(x[0]) > 1 else None),
    Mistake("height and width swapped",
            "A pair means (height, width): stride=(SH, SW) and padding=(PH, PW).",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, b, _swapped(stride), _swapped(padding))
                if (_pair(stride)[0] != _pair(stride)[1] or _pair(padding)[0] != _pair(padding)[1])
                else None),
    Mistake("stride ignored",
            "With stride S the window moves S pixels at a time.",
            lambda x, w, b=None, stride=1, padding=0:
                _conv(x, w, b, 1, padding) if _pair(stride) != (1, 1) else None),
], probes=[])


def _pool(kind, x, kernel_size, stride):
    import torch.nn.functional as F
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    return pool(_t(x), _pair(kernel_size), _pair(stride)).numpy()


def _pool_mistakes(kind):
    other = "avg" if kind == "max" else "max"
    return Mistakes([
        Mistake("pooling stride defaulting to 1",
                "In PyTorch, stride=None means stride = kernel_size: windows do not overlap.",
                lambda x, kernel_size, stride=None:
                    _pool(kind, x, kernel_size, 1) if stride is None and _pair(kernel_size) != (1, 1)
                    else None),
        Mistake("height and width swapped",
                "A pair means (height, width): kernel_size=(KH, KW), stride=(SH, SW).",
                lambda x, kernel_size, stride=None:
                    _pool(kind, x, _swapped(kernel_size), _swapped(stride if stride is not None else kernel_size))),
        Mistake(f"{other} pooling computed instead",
                f"This function computes the {kind} of each window.",
                lambda x, kernel_size, stride=None:
                    _pool(other, x, kernel_size, stride if stride is not None else kernel_size)),
    ] + ([Mistake("window sum instead of mean",
                  "Average pooling divides each window's sum by KH*KW.",
                  lambda x, kernel_size, stride=None:
                      _pool("avg", x, kernel_size, stride if stride is not None else kernel_size)
                      * _pair(kernel_size)[0] * _pair(kernel_size)[1])] if kind == "avg" else []),
        probes=[])


MAX_POOL2D_MISTAKES = _pool_mistakes("max")
AVG_POOL2D_MISTAKES = _pool_mistakes("avg")


# Known mistakes of the backward passes. Each variant returns what the graded function
# returns: (dx, dw, db) for conv2d_backward, dx for max_pool2d_backward.

def _conv_grads(dout, x, w, stride=1, padding=0, flip=False, pad_kept=False):
    import torch
    import torch.nn.functional as F
    x_ = _t(x)
    ph, pw = _pair(padding)
    if pad_kept:
        x_, padding = F.pad(x_, (pw, pw, ph, ph)), 0
    x_.requires_grad_(True)
    w_ = _t(w).requires_grad_(True)
    b_ = torch.zeros(len(w), dtype=torch.float64, requires_grad=True)
    F.conv2d(x_, w_.flip(2, 3) if flip else w_, b_, _pair(stride), _pair(padding)).backward(_t(dout))
    return x_.grad.numpy(), w_.grad.numpy(), b_.grad.numpy()


def _conv_dx_overwritten(dout, x, w, stride=1, padding=0):
    """dx where each window's contribution overwrites the previous ones."""
    import numpy as np
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    n, c, h, wd = np.shape(x)
    kh, kw = np.shape(w)[2:]
    dxp = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    dout, w = np.array(dout, dtype="float64"), np.array(w, dtype="float64")
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] = np.einsum("no,ockl->nckl", dout[:, :, i, j], w)
    return dxp[:, :, ph:ph + h, pw:pw + wd]


def _with(grads, index, value):
    grads = list(grads)
    grads[index] = value
    return tuple(grads)


CONV2D_BACKWARD_MISTAKES = Mistakes([
    Mistake("gradient not accumulated over overlapping windows",
            "A pixel inside several windows receives a gradient from each of them: add (+=), "
            "do not assign.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 0,
                _conv_dx_overwritten(dout, x, w, stride, padding))),
    Mistake("bias gradient not summed over batch and space",
            "b[o] is added at every position of every image: db[o] sums dout[:, o] over the "
            "batch and both spatial axes.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 2, _t(dout).sum((2, 3)).numpy())),
    Mistake("bias gradient not summed over batch and space",
            "b[o] is added at every position of every image: db[o] sums dout[:, o] over the "
            "batch and both spatial axes.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 2, _t(dout).sum(0).numpy())),
    Mistake("kernel flipped in the input gradient",
            "dx sends each dout value back through the same weights that produced it: "
            "dx[.., i*S + a, j*S + b] += dout[.., i, j] * w[.., a, b], no flip of w by hand.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 0,
                _conv_grads(dout, x, w, stride, padding, flip=True)[0])),
    Mistake("padding not removed from dx",
            "The gradient of the padded input includes the padding; dx is the gradient of x "
            "itself: crop P rows and columns from each side.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 0,
                _conv_grads(dout, x, w, stride, padding, pad_kept=True)[0])
            if _pair(padding) != (0, 0) else None),
    Mistake("weight gradient averaged over the batch",
            "The loss sums over the batch here: dw sums the contributions of all images.",
            lambda dout, x, w, stride=1, padding=0: _with(
                _conv_grads(dout, x, w, stride, padding), 1,
                _conv_grads(dout, x, w, stride, padding)[1] / len(x)) if len(x) > 1 else None),
], probes=[])


def _pool_dx_overwritten(dout, x, kernel_size, stride=None):
    import numpy as np
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride if stride is not None else kernel_size)
    x, dout = np.array(x, dtype="float64"), np.array(dout, dtype="float64")
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            flat = window.reshape(*window.shape[:2], -1)
            mask = (np.arange(flat.shape[-1]) == flat.argmax(-1)[..., None]).reshape(window.shape)
            region = dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            region[mask] = 0.0   # overwrite: what an earlier window sent is lost
            region += mask * dout[:, :, i:i + 1, j:j + 1]
    return dx


def _avg_pool_dx(dout, x, kernel_size, stride=None):
    import torch.nn.functional as F
    x_ = _t(x).requires_grad_(True)
    F.avg_pool2d(x_, _pair(kernel_size), _pair(stride if stride is not None else kernel_size)).backward(_t(dout))
    return x_.grad.numpy()


MAX_POOL2D_BACKWARD_MISTAKES = Mistakes([
    Mistake("gradient not accumulated over overlapping windows",
            "When windows overlap, one pixel can be the maximum of several: add (+=) what "
            "each window sends, do not assign.",
            _pool_dx_overwritten),
    Mistake("gradient spread over the whole window",
            "That is average pooling's gradient. Max pooling sends each dout value to the "
            "window's maximum only.",
            _avg_pool_dx),
], probes=[])


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
