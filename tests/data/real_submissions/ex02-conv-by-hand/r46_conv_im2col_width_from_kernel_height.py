"""Per-sample im2col with a matrix product; the output width is computed with the kernel HEIGHT, which only matters for non-square kernels (then the column buffer has the wrong size: IndexError or shuffled values). max_pool2d is right."""
SEEN_IN = "1602077/stanford-cs231n, assignment2/cs231n/layers.py (mining report row #46; this forward bug was not in the report)"
BUGS = [
    "the output width uses the kernel height KH instead of KW: with KH > KW there are more windows than buffer columns and it raises IndexError; with KH < KW the output is too wide and its values are shuffled (square kernels are unaffected)",
]
LOST = {
    'conv2d_examples': None,
    'conv2d_vs_torch': None,
}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    if b is None:
        b = np.zeros(F)
    Ho = int(1 + (H + 2 * ph - KH) / sh)
    Wo = int(1 + (W + 2 * pw - KH) / sw)
    out = np.zeros((N, F, Ho, Wo))
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    Hp, Wp = xp.shape[2], xp.shape[3]
    flat_w = w.reshape(F, C * KH * KW)
    cols = np.zeros((C * KH * KW, Ho * Wo))
    for n in range(N):
        k = 0
        for r in range(0, Hp - KH + 1, sh):
            for s in range(0, Wp - KW + 1, sw):
                cols[:, k] = xp[n, :, r:r + KH, s:s + KW].reshape(C * KH * KW)
                k += 1
        out[n] = (flat_w.dot(cols) + b.reshape(F, 1)).reshape(F, Ho, Wo)
    return out


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    Ho = int(1 + (H - kh) / sh)
    Wo = int(1 + (W - kw) / sw)
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        flat = np.zeros((C, Ho * Wo))
        k = 0
        for r in range(0, H - kh + 1, sh):
            for s in range(0, W - kw + 1, sw):
                flat[:, k] = x[n, :, r:r + kh, s:s + kw].reshape(C, kh * kw).max(axis=1)
                k += 1
        out[n] = flat.reshape(C, Ho, Wo)
    return out
