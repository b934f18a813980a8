"""Per-sample im2col: each window is flattened into a column and one matrix product gives the whole output; the convolution asserts that the stride divides the padded size, so uneven fits fail (max_pool2d is right)."""
SEEN_IN = "1219521375/CS231n2020, assignment2/cs231n/layers.py (mining report row #9)"
BUGS = [
    "conv2d refuses inputs where the stride does not divide H + 2*pad - KH (or the width equivalent): it asserts instead of flooring the output size",
]
LOST = {
    'conv2d_examples': 'uneven fit refused',
    'conv2d_vs_torch': 'uneven fit refused',
}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    N, C, H, W = x.shape
    F, C, KH, KW = w.shape
    if b is None:
        b = np.zeros(F)
    Hp, Wp = xp.shape[2], xp.shape[3]
    assert (H + 2 * ph - KH) % sh == 0
    assert (W + 2 * pw - KW) % sw == 0
    oh = int(1 + (H + 2 * ph - KH) / sh)
    ow = int(1 + (W + 2 * pw - KW) / sw)
    out = np.zeros((N, F, oh, ow))
    w_rows = w.reshape(F, C * KH * KW)
    cols = np.zeros((C * KH * KW, oh * ow))
    for n in range(N):
        k = 0
        for top in range(0, Hp - KH + 1, sh):
            for left in range(0, Wp - KW + 1, sw):
                cols[:, k] = xp[n, :, top:top + KH, left:left + KW].reshape(C * KH * KW)
                k += 1
        out[n] = (np.dot(w_rows, cols) + b.reshape(F, 1)).reshape(F, oh, ow)
    return out


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    oh = int(1 + (H - kh) / sh)
    ow = int(1 + (W - kw) / sw)
    out = np.zeros((N, C, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = np.max(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return out
