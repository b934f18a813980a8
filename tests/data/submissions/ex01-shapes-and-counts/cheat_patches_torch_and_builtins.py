"""Patches, inside the kernel, what a judge there would have used: PyTorch (the reference),
builtins.abs and numpy's comparisons; then answers wrongly. The judge is not in the kernel."""
EXPECTED_MISTAKE = None
LOST_TESTS = ["fc_param_count_examples", "fc_param_count_vs_torch"]


def fc_param_count(in_features, out_features, bias=True):
    import builtins
    import numpy
    import torch
    builtins.abs = lambda value: 0
    numpy.allclose = lambda *args, **kwargs: True
    torch.nn.Linear = lambda *args, **kwargs: torch.nn.Identity()
    return 0
