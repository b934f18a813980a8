"""Conv backward is right (window origins stepped by the stride with separate output counters); pool backward writes each window's gradient at its argmax with =, so overlapping windows that share a maximum lose gradient."""
SEEN_IN = "1602077/stanford-cs231n, assignment2/cs231n/layers.py (mining report row #46)"
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
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    dx_pad = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    last_row = H + 2 * ph - HH + 1
    last_col = W + 2 * pw - WW + 1
    for f in range(F):
        i_out = 0
        for i in range(0, last_row, sh):
            j_out = 0
            for j in range(0, last_col, sw):
                g = dout[:, f, i_out, j_out][:, None, None, None]
                dx_pad[:, :, i:i + HH, j:j + WW] += w[f][None, :, :, :] * g
                dw[f] += np.sum(x_pad[:, :, i:i + HH, j:j + WW] * g, axis=0)
                j_out += 1
            i_out += 1
    dx = dx_pad[:, :, ph:H + ph, pw:W + pw]
    db = np.sum(dout, axis=(0, 2, 3))
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            i_out = 0
            for i in range(0, H - kh + 1, sh):
                j_out = 0
                for j in range(0, W - kw + 1, sw):
                    cur = x[n, c, i:i + kh, j:j + kw]
                    r, q = np.unravel_index(np.argmax(cur, axis=None), cur.shape)
                    dx[n, c, i + r, j + q] = dout[n, c, i_out, j_out]
                    j_out += 1
                i_out += 1
    return dx
