"""Starts windows at range(0, H, stride): past the last whole window the loop writes beyond
the output and fails, whenever windows overlap or leave pixels over (seen in a public
solution of the classic assignment, in its forward and backward passes)."""
EXPECTED_MISTAKE = "windows started past the last one that fits"
LOST_TESTS = ["max_pool2d_examples", "max_pool2d_vs_torch"]


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    stride = kernel_size if stride is None else stride
    sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
    n, c, h, w = x.shape
    out = np.zeros((n, c, (h - kh) // sh + 1, (w - kw) // sw + 1))
    for row, top in enumerate(range(0, h, sh)):
        for col, left in enumerate(range(0, w, sw)):
            # Mistake: a start near the edge has no whole window, and no output cell.
            out[:, :, row, col] = x[:, :, top:top + kh, left:left + kw].max(axis=(2, 3))
    return out
