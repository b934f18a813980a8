"""Adds the bias to every product inside the window's sum, so it counts C_in x KH x KW
times (a hint of an early online course, copied widely)."""
EXPECTED_MISTAKE = "bias added to every product"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    def _pair(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)

    # Mistake: the bias is added to every product in the window before the sum,
    # so each output gets b[o] * C_in * KH * KW instead of b[o].
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - kh) // sh + 1
    wo = (wd + 2 * pw - kw) // sw + 1
    out = np.zeros((n, f, ho, wo))
    for o in range(f):
        bias = 0.0 if b is None else b[o]
        for i in range(ho):
            for j in range(wo):
                patch = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                out[:, o, i, j] = (patch * w[o] + bias).sum(axis=(1, 2, 3))
    return out
