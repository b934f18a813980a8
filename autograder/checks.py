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


def _show(value):
    """An argument as the message shows it: arrays by dtype and shape, the rest by repr."""
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"<{dtype} array of shape {tuple(shape)}>"
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
        return f"\nLikely mistake: {candidates[0].name}. {candidates[0].explanation}"
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
        raise AssertionError(f"{call} uses {found}.\nLikely mistake: {SHORTCUT.name}. "
                             f"{SHORTCUT.explanation}")
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
                problem += f"\nLikely mistake: {mistake.name}. {mistake.explanation}"
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
