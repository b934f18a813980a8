"""Loops over window origins in padded-pixel coordinates (range with the stride as step), maps them to output indices by dividing by the stride, and crops the padded dx with explicit bounds. Correct."""
SEEN_IN = "nzheng32/projects, part1-convnet/modules/convolution.py (mining report row #26)"
BUGS = []
LOST = {}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros((F, C, kh, kw))
    db = dout.sum(0).sum(1).sum(1)
    for n in range(N):
        for f in range(F):
            for q in range(0, 1 + H + 2 * ph - kh, sh):
                for p in range(0, 1 + W + 2 * pw - kw, sw):
                    g = dout[n, f, int(q / sh), int(p / sw)]
                    dw[f, :, :, :] = dw[f, :, :, :] + xp[n, :, q:q + kh, p:p + kw] * g
                    dxp[n, :, q:q + kh, p:p + kw] = dxp[n, :, q:q + kh, p:p + kw] + w[f, :, :, :] * g
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db
