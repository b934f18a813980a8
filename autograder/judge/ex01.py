"""Exercise 1, shapes and counts: PyTorch's answers and the known mistakes."""
import math

from autograder.judge.mistakes import REFUSES, Mistake, Mistakes, pair as _pair
from autograder.kernel.checks import Raises


CONV_OUTPUT_SIZE_MISTAKES = Mistakes([
    Mistake(
        "output size not floored",
        "A window position counts only if the whole window fits: divide by the stride, "
        "then round down (floor), i.e. use //.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1,
    ),
    Mistake(
        "output size rounded, not floored",
        "round() goes up from .5 and to the even number at .5: a window position counts only "
        "if the whole window fits, so floor (//).",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            round((input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1,
    ),
    Mistake(
        "uneven fit refused",
        "When the windows do not fit evenly, PyTorch leaves the last pixels out (it floors); "
        "it does not refuse such sizes.",
        lambda input_size, kernel_size, stride=1, padding=0, dilation=1:
            REFUSES if (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) % stride
            else (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1,
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



# PyTorch's answers, computed in the grader (meta tensors: shapes only, no memory).

def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    import torch
    x = torch.empty(1, 1, input_size, device="meta")
    w = torch.empty(1, 1, max(kernel_size, 0), device="meta")
    try:
        return torch.nn.functional.conv1d(x, w, stride=stride, padding=padding,
                                          dilation=dilation).shape[-1]
    except (RuntimeError, ValueError, ZeroDivisionError) as refusal:
        return Raises(ValueError, f"PyTorch refuses it ({str(refusal).splitlines()[0]})")


def fc_param_count(in_features, out_features, bias=True):
    import torch
    layer = torch.nn.Linear(in_features, out_features, bias=bias, device="meta")
    return sum(p.numel() for p in layer.parameters())


def conv_param_count(in_channels, out_channels, kernel_size, bias=True, groups=1):
    import torch
    try:
        layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias,
                                groups=groups, device="meta")
    except ValueError as refusal:
        return Raises(ValueError, f"PyTorch refuses it: {refusal}")
    return sum(p.numel() for p in layer.parameters())


def receptive_field(layers):
    """Measured, not computed: the input pixels whose gradient reaches one output unit."""
    import torch
    convs = []
    for layer in layers:
        kernel, stride, dilation = (tuple(layer) + (1,))[:3]
        conv = torch.nn.Conv1d(1, 1, kernel, stride=stride, dilation=dilation, bias=False)
        torch.nn.init.ones_(conv.weight)  # positive weights: no gradient cancels out
        convs.append(conv.double())
    x = torch.zeros(1, 1, 4096, dtype=torch.float64, requires_grad=True)
    y = x
    for conv in convs:
        y = conv(y)
    y[0, 0, 0].backward()
    seen = x.grad[0, 0].nonzero()
    return int(seen.max() - seen.min()) + 1


REFERENCES = {f.__name__: f for f in (conv_output_size, fc_param_count, conv_param_count,
                                      receptive_field)}
MISTAKES = {"conv_output_size": CONV_OUTPUT_SIZE_MISTAKES, "fc_param_count": FC_PARAM_COUNT_MISTAKES,
            "conv_param_count": CONV_PARAM_COUNT_MISTAKES, "receptive_field": RECEPTIVE_FIELD_MISTAKES}
