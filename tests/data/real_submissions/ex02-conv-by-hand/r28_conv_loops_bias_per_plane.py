"""Output buffer starts as random numbers that the loops overwrite; the bias is added to the whole (sample, filter) plane once its positions are filled. Correct."""
SEEN_IN = "zkf85/misc, part1-convnet/modules/convolution.py (mining report row #28)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    if b is None:
        b = np.zeros(F)
    H_ = int(1 + (H + 2 * ph - kh) / sh)
    W_ = int(1 + (W + 2 * pw - kw) / sw)
    out = np.random.randn(N, F, H_, W_)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=0)
    for n in range(N):
        for c in range(F):
            for h in range(H_):
                for v in range(W_):
                    out[n, c, h, v] = np.sum(xp[n, :, h * sh:h * sh + kh, v * sw:v * sw + kw] * w[c, :, :, :])
            out[n, c, :, :] += b[c]
    return out
