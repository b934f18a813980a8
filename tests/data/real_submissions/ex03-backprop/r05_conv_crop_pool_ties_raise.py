"""Conv backward loops per filter and window and crops the padding with [pad:-pad]; pool backward finds the max with np.where and converts the result to one index, which fails on ties, and assigns instead of adding."""
SEEN_IN = "0809zheng/CS231n-assignment2019, assignment2/cs231n/layers.py (mining report row #5)"
BUGS = [
    "conv2d_backward crops the padding with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "max_pool2d_backward turns the positions of the window maximum into a single index, so any window with tied maxima raises",
    "max_pool2d_backward assigns (=) the gradient at the maximum instead of adding, so a pixel that is the maximum of several overlapping windows keeps only the last window's gradient",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
    'max_pool2d_backward_examples': 'gradient not accumulated over overlapping windows',
    'max_pool2d_backward_vs_torch': 'gradient not accumulated over overlapping windows, and tied maxima not handled',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=0)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_ = int((H + 2 * ph - HH) / sh + 1)
    W_ = int((W + 2 * pw - WW) / sw + 1)
    dx_pad = np.zeros((N, C, H + ph * 2, W + pw * 2))
    dw = np.zeros((F, C, HH, WW))
    for f in range(F):
        for i in range(H_):
            for j in range(W_):
                g = dout[:, f, i, j].reshape(-1, 1, 1, 1)
                rows = slice(i * sh, i * sh + HH)
                cols = slice(j * sw, j * sw + WW)
                dw[f, :, :, :] += np.sum(x_pad[:, :, rows, cols] * g, axis=0, keepdims=False)
                dx_pad[:, :, rows, cols] += w[f, :, :, :] * g
    dx = dx_pad[:, :, ph:-ph, pw:-pw]
    db = np.sum(dout, axis=(0, 2, 3))
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    ph, pw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_ = int((H - ph) / sh + 1)
    W_ = int((W - pw) / sw + 1)
    assert dout.shape == (N, C, H_, W_)
    dx = np.zeros((N, C, H, W))
    for n in range(N):
        for c in range(C):
            for i in range(H_):
                for j in range(W_):
                    win = x[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw]
                    r, q = np.where(win == np.max(win))
                    dx[n, c, i * sh + r.item(), j * sw + q.item()] = dout[n, c, i, j]
    return dx
