"""Conv backward is the standard per-sample, per-filter window loop and is right; pool backward writes each window's gradient at its argmax with =, so overlapping windows that share a maximum lose gradient."""
SEEN_IN = "AbhishekVangipuram/cs231n-2020, assignment2/cs231n/layers.py (mining report row #47)"
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
    F, _, HH, WW = w.shape
    H_ = 1 + (H + 2 * ph - HH) // sh
    W_ = 1 + (W + 2 * pw - WW) // sw
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for n in range(N):
        for f in range(F):
            db[f] += np.sum(dout[n, f])
            for h in range(H_):
                for i in range(W_):
                    dw[f] += dout[n, f, h, i] * xp[n, :, h * sh:h * sh + HH, i * sw:i * sw + WW]
                    dxp[n, :, h * sh:h * sh + HH, i * sw:i * sw + WW] += w[f] * dout[n, f, h, i]
    dx = dxp[..., ph:ph + H, pw:pw + W]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_, W_ = 1 + (H - kh) // sh, 1 + (W - kw) // sw
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for h in range(H_):
                for v in range(W_):
                    k = np.argmax(x[n, c, h * sh:h * sh + kh, v * sw:v * sw + kw])
                    r, q = np.unravel_index(k, (kh, kw))
                    dx[n, c, h * sh + r, v * sw + q] = dout[n, c, h, v]
    return dx
