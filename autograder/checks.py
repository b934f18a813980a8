"""Checks used by the exercise notebooks' test cells, visible and hidden.

Each check calls the student's function on one input and compares the answer with an
expected value that the test cell computed itself (from PyTorch, or by hand). When the
answer is wrong, the AssertionError says on which input, what was expected, what came
back and, when the answer equals a known wrong variant, which mistake it looks like:
the line "Likely mistake: NAME." is what the class report counts.

This file is copied next to every released exercise notebook, and the grader puts the
course's copy back before grading, so an edited copy changes nothing.
"""

import math
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


def call_text(fn, args, kwargs):
    """How the call looks when typed: conv_output_size(32, 3, stride=2)."""
    name = getattr(fn, "__name__", "function")
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
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
