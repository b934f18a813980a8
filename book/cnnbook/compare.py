"""Comparing two results computed in different ways, up to rounding."""
import numpy as np
import torch


def close(a, b):
    """True when `a` and `b` agree up to floating-point rounding.

    Takes numpy arrays, torch tensors and numbers (shapes broadcast). Two
    correct results that add the same products in another order differ in
    the last digits: float64 allows 1e-10, and when either side is float32
    a relative 1e-4 and an absolute 1e-5.
    """
    a, b = [t.detach().cpu().numpy() if torch.is_tensor(t) else np.asarray(t)
            for t in (a, b)]
    if np.float32 in (a.dtype, b.dtype):
        return bool(np.allclose(a, b, rtol=1e-4, atol=1e-5))
    return bool(np.allclose(a, b, rtol=1e-10, atol=1e-10))
