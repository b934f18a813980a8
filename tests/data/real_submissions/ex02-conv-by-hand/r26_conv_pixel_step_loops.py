"""Loops over window origins in padded-pixel coordinates (range with the stride as step) and converts them back to output indices by dividing by the stride. Correct."""
SEEN_IN = "nzheng32/projects, part1-convnet/modules/convolution.py (mining report row #26)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    if b is None:
        b = np.zeros(F)
    out = np.zeros((N, F, int((H + 2 * ph - kh) / sh + 1), int((W + 2 * pw - kw) / sw + 1)))
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    for n in range(N):
        for f in range(F):
            for q in range(0, 1 + H + 2 * ph - kh, sh):
                for p in range(0, 1 + W + 2 * pw - kw, sw):
                    acc = np.sum(np.multiply(w[f, :, :, :], xp[n, :, q:q + kh, p:p + kw]))
                    out[n, f, int(q / sh), int(p / sw)] = acc + b[f]
    return out
