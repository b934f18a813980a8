"""Loops over enumerated output positions, with the window origin recomputed from the stride; pooling takes a max over the last axis twice. Both are correct."""
SEEN_IN = "AndersonZhangyq/cs231n-2017, assignment2/cs231n/layers.py (mining report row #12)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    if b is None:
        b = np.zeros(F)
    H_ = 1 + (H + 2 * ph - HH) // sh
    W_ = 1 + (W + 2 * pw - WW) // sw
    out = np.zeros((N, F, H_, W_))
    padded = np.pad(x, pad_width=((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant", constant_values=0)
    for n in range(N):
        sample = padded[n, :]
        for f in range(F):
            kernel = w[f, :, :, :]
            for oi, k in enumerate(range(H_)):
                i = k * sh
                for oj, m in enumerate(range(W_)):
                    j = m * sw
                    out[n][f][oi][oj] = np.sum(kernel * sample[:, i:i + HH, j:j + WW]) + b[f]
    return out


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    H_ = 1 + (H - kh) // sh
    W_ = 1 + (W - kw) // sw
    out = np.zeros((N, C, H_, W_))
    for oi, k in enumerate(range(H_)):
        i = k * sh
        for oj, m in enumerate(range(W_)):
            j = m * sw
            out[:, :, oi, oj] = np.max(np.max(x[:, :, i:i + kh, j:j + kw], axis=-1), axis=-1)
    return out
