"""Conv backward is a correct loop over sample, filter and window; pool backward writes each window's gradient at its argmax with = instead of +=, so overlapping windows that share a maximum lose gradient."""
SEEN_IN = "1204al/cs231n_2019, assignment2/cs231n/layers.py (mining report row #7)"
BUGS = [
    "max_pool2d_backward assigns (=) at the argmax instead of adding, so a pixel that is the maximum of several overlapping windows keeps only the last window's gradient",
]
LOST = {
    'max_pool2d_backward_examples': 'gradient not accumulated over overlapping windows',
    'max_pool2d_backward_vs_torch': 'gradient not accumulated over overlapping windows',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    outH = 1 + (H - HH + 2 * ph) // sh
    outW = 1 + (W - WW + 2 * pw) // sw
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(outH):
                for j in range(outW):
                    dw[f] += x_pad[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] * dout[n, f, i, j]
                    dx_pad[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] += w[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    outH = 1 + (H - kh) // sh
    outW = 1 + (W - kw) // sw
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(outH):
                for j in range(outW):
                    flat = np.argmax(x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw])
                    r, q = np.unravel_index(flat, (kh, kw))
                    dx[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw][r, q] = dout[n, c, i, j]
    return dx
