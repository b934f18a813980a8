"""Counting a network's parameters: by formula (chapters 1 and 6), and the
way PyTorch itself reports them; and what a forward pass costs."""
from dataclasses import dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode


def count_params(module):
    """The number of parameters of a torch module: the sizes of all its
    weight tensors."""
    return sum(p.numel() for p in module.parameters())


def count_trainable(module):
    """The parameters that training updates: those with `requires_grad`."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def linear_params(n_in, n_out):
    """A dense layer: one weight per (input, neuron) pair, one bias per
    neuron."""
    return n_in * n_out + n_out


def conv_params(c_in, c_out, k, groups=1, bias=True):
    """A k x k convolution: one k x k kernel for each output channel and
    each input channel it sees, plus one bias per output channel if `bias`.
    With `groups` > 1 each output channel sees c_in / groups input channels.
    """
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide c_in and c_out")
    return k * k * (c_in // groups) * c_out + (c_out if bias else 0)


@dataclass(frozen=True)
class ForwardCost:
    """What one forward pass of one input costs besides the weights."""
    macs: int         # multiply-accumulates of the convolutions and dense layers
    activations: int  # values output by the layers, summed over the layers

    @property
    def activation_bytes(self):
        return 4 * self.activations  # 32-bit floats


def forward_cost(model, input_shape):
    """The multiply-accumulates and activations of `model` on one input of
    `input_shape` (without the batch axis). PyTorch's own FlopCounterMode
    counts the arithmetic (2 floating-point operations per multiply-add);
    the activations are the outputs of the layers that have no sub-layers.
    The input goes on the model's device: build the model under
    `torch.device("meta")` to count shapes only, instantly and without
    allocating the weights, even for VGG-16."""
    device = next(model.parameters(), torch.zeros(())).device
    leaves = [m for m in model.modules() if not list(m.children())]
    outputs = []
    hooks = [m.register_forward_hook(lambda m, i, out: outputs.append(out.numel()))
             for m in leaves]
    try:
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model(torch.zeros((1, *input_shape), device=device))
    finally:
        for hook in hooks:
            hook.remove()
    return ForwardCost(counter.get_total_flops() // 2, sum(outputs))
