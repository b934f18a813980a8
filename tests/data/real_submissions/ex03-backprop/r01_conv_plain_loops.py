"""Four nested loops over sample, filter and output position accumulate db, dw and a padded dx, which is then cropped with explicit [pad:pad+H] bounds. Correct."""
SEEN_IN = "Clarence-G/learngit, cs231n/assignment2/conv1.py (mining report row #1)"
BUGS = []
LOST = {}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    F, C, HH, WW = w.shape
    N, C, H, W = x.shape
    H_new = 1 + (H + 2 * ph - HH) // sh
    W_new = 1 + (W + 2 * pw - WW) // sw
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    dxp = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    for n in range(N):
        for f in range(F):
            for r in range(H_new):
                for c in range(W_new):
                    window = xp[n, :, r * sh:HH + r * sh, c * sw:WW + c * sw]
                    db[f] += dout[n, f, r, c]
                    dw[f] += window * dout[n, f, r, c]
                    dxp[n, :, r * sh:HH + r * sh, c * sw:WW + c * sw] += w[f] * dout[n, f, r, c]
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db
