"""Backward loops over output positions but places window (h, w) at (h, w) of the padded input, forgetting the stride the forward used, and crops the padding with [p:-p]."""
SEEN_IN = "joseandro/CNNs, part1-convnet/modules/convolution.py (mining report row #23)"
BUGS = [
    "the stride is ignored in the backward pass: window (i, j) is taken at (i, j) instead of (i*stride, j*stride), so dx and dw are wrong whenever the stride is not 1",
    "the padding is cropped with [p:-p], so at padding 0 on an axis dx has a zero-length axis",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'stride ignored in the backward pass, and padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    ph, pw = pair(padding)
    kh, kw = w.shape[2], w.shape[3]
    N, F, H_out, W_out = dout.shape
    xp = np.pad(x, [(0,), (0,), (ph,), (pw,)], mode="constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for h in range(H_out):
        for v in range(W_out):
            for n in range(N):
                for f in range(F):
                    g = dout[n, f, h, v]
                    db[f] += g
                    dw[f, :, :, :] += xp[n, :, h:kh + h, v:kw + v] * g
                    dxp[n, :, h:kh + h, v:kw + v] += g * w[f, :, :, :]
    dx = dxp[:, :, ph:-ph, pw:-pw]
    return dx, dw, db
