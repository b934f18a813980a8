"""Receptive fields: the formula of chapter 5, and its measurement with
autograd."""
import numpy as np
import torch
import torch.nn as nn


def receptive_field(layers):
    """Pixels along one axis that one unit at the top of `layers` sees.

    layers: (K, S) or (K, S, D) tuples from the input upwards: kernel
    size, stride and dilation (1 when left out).
    """
    field, jump = 1, 1
    for layer in layers:
        kernel, stride, dilation = (*layer, 1)[:3]  # dilation defaults to 1
        field += dilation * (kernel - 1) * jump  # r <- r + D (K - 1) j
        jump *= stride                           # j <- j S
    return field


def ones_stack(layers, dims=1):
    """Single-channel convolutions with all-ones weights and no bias,
    in float64: `layers` as for `receptive_field`, `dims` 1 or 2."""
    conv = nn.Conv1d if dims == 1 else nn.Conv2d
    modules = []
    for layer in layers:
        kernel, stride, dilation = (*layer, 1)[:3]
        module = conv(1, 1, kernel, stride=stride, dilation=dilation,
                      bias=False, dtype=torch.float64)
        nn.init.ones_(module.weight)
        modules.append(module)
    return nn.Sequential(*modules)


def input_gradient(layers, dims=1, size=64):
    """d(central output unit) / d(input) for the all-ones stack, on a zero
    input of `size` pixels along each axis. Each entry counts the paths
    from that pixel to the unit: non-zero exactly where the unit reads."""
    shape = (1, 1) + (size,) * dims
    x = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    out = ones_stack(layers, dims)(x)
    centre = tuple(n // 2 for n in out.shape[2:])
    out[(0, 0) + centre].backward()
    return x.grad[0, 0].numpy()


def extent(gradient):
    """Side of the smallest box holding the non-zero entries, per axis."""
    nonzero = np.nonzero(gradient)
    return tuple(int(index.max() - index.min() + 1) for index in nonzero)
