"""Standard per-window loops, but the padded gradient buffer is created by padding x itself instead of zeros, so dx comes out as the true gradient plus x; the padding is then cropped with [pad:-pad]."""
SEEN_IN = "unnamed repository (index id 37053084140), cs231n layers file (mining report row #53)"
BUGS = [
    "the dx accumulator starts as the padded input x instead of zeros, so dx = true dx + x",
    "the padding is cropped with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'gradient buffer started from the input, and padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    h_ = dout.shape[2]
    w_ = dout.shape[3]
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    x_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    dx_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    for n in range(N):
        for f in range(F):
            for hi in range(h_):
                for wi in range(w_):
                    top = sh * hi
                    left = sw * wi
                    piece = x_padded[n, :, top:top + HH, left:left + WW]
                    dw[f] += piece * dout[n, f, hi, wi]
                    db[f] += dout[n, f, hi, wi]
                    dx_padded[n, :, top:top + HH, left:left + WW] += w[f] * dout[n, f, hi, wi]
    dx = dx_padded[:, :, ph:-ph, pw:-pw]
    return dx, dw, db
