"""Per-sample, per-filter window loops into a padded dx; db is summed once per (sample, filter) plane after its positions are done. Correct."""
SEEN_IN = "zkf85/misc, part1-convnet/modules/convolution.py (mining report row #28)"
BUGS = []
LOST = {}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    H_ = int(1 + (H + 2 * ph - kh) / sh)
    W_ = int(1 + (W + 2 * pw - kw) / sw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=0)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for n in range(N):
        for c in range(F):
            for h in range(H_):
                for v in range(W_):
                    dw[c, :, :, :] += dout[n, c, h, v] * xp[n, :, h * sh:h * sh + kh, v * sw:v * sw + kw]
                    dxp[n, :, h * sh:h * sh + kh, v * sw:v * sw + kw] += dout[n, c, h, v] * w[c, :, :, :]
            db[c] += np.sum(dout[n, c, :, :])
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db
