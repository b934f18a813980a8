"""Plain loops over sample, filter and output position; both conv2d and max_pool2d first assert that the stride divides the free space, so any uneven fit fails with an AssertionError where PyTorch floors."""
SEEN_IN = "1204al/cs231n_2019, assignment2/cs231n/layers.py (mining report row #7)"
BUGS = [
    "conv2d refuses inputs where the stride does not divide H + 2*pad - KH (or the width equivalent): it asserts instead of flooring the output size",
    "max_pool2d refuses inputs where the stride does not divide H - KH (or W - KW): it asserts instead of dropping the leftover rows/columns",
]
LOST = {
    'conv2d_examples': 'uneven fit refused',
    'conv2d_vs_torch': 'uneven fit refused',
    'max_pool2d_examples': 'uneven fit refused',
    'max_pool2d_vs_torch': 'uneven fit refused',
}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    if b is None:
        b = np.zeros(F)
    assert (H - KH + 2 * ph) % sh == 0, "conv layer: check height"
    assert (W - KW + 2 * pw) % sw == 0, "conv layer: check width"
    rows_out = 1 + (H - KH + 2 * ph) // sh
    cols_out = 1 + (W - KW + 2 * pw) // sw
    out = np.zeros((N, F, rows_out, cols_out))
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    for n in range(N):
        for f in range(F):
            for i in range(rows_out):
                for j in range(cols_out):
                    patch = xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    out[n, f, i, j] = (patch * w[f]).sum() + b[f]
    return out


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    assert (H - kh) % sh == 0, "pooling layer: check height"
    assert (W - kw) % sw == 0, "pooling layer: check width"
    rows_out = 1 + (H - kh) // sh
    cols_out = 1 + (W - kw) // sw
    out = np.zeros((N, C, rows_out, cols_out))
    for n in range(N):
        for i in range(rows_out):
            for j in range(cols_out):
                out[n, :, i, j] = np.max(x[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(-1, -2))
    return out
