"""Refuses inputs the pooling windows do not tile exactly; PyTorch floors instead."""
EXPECTED_MISTAKE = "uneven fit refused"
LOST_TESTS = ["max_pool2d_examples", "max_pool2d_vs_torch"]


def max_pool2d(x, kernel_size, stride=None):
    def _pair(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

    # Mistake: refuses inputs whose size is not kernel + a multiple of the stride,
    # where PyTorch floors the output size and ignores the leftover rows/columns.
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride if stride is not None else kernel_size)
    x = np.asarray(x, dtype=float)
    n, c, h, wd = x.shape
    if (h - kh) % sh or (wd - kw) % sw:
        raise ValueError("pooling windows do not fit the input evenly")
    ho = (h - kh) // sh + 1
    wo = (wd - kw) // sw + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out
