"""Counting a network's parameters, the way PyTorch itself reports them."""


def count_params(module):
    """The number of parameters of a torch module: the sizes of all its weight tensors."""
    return sum(p.numel() for p in module.parameters())
