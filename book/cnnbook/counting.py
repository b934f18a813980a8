"""Counting a network's parameters: by formula (chapters 1 and 6), and the
way PyTorch itself reports them."""


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
