"""Conv backward loops over output positions (then samples and filters) and crops with [pad:-pad]; pool backward builds a vectorised == mask per window and assigns the whole window slice."""
SEEN_IN = "1219521375/CS231n2020, assignment2/cs231n/layers.py (mining report row #9)"
BUGS = [
    "conv2d_backward crops the padding with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
    "max_pool2d_backward assigns (=) the whole window slice, so with overlapping windows a later window wipes what earlier ones sent to shared pixels",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
    'max_pool2d_backward_examples': "window's gradient assigned, not added",
    'max_pool2d_backward_vs_torch': "gradient sent to every tied maximum, and window's gradient assigned, not added",
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    N, C, H_pad, W_pad = x_pad.shape
    N, F, outH, outW = dout.shape
    HH, WW = w.shape[2], w.shape[3]
    db = dout.sum((0, 2, 3))
    dx = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    for i in range(outH):
        for j in range(outW):
            rows = slice(sh * i, sh * i + HH)
            cols = slice(sw * j, sw * j + WW)
            patch = x_pad[:, :, rows, cols]
            for p in range(N):
                dx[p, :, rows, cols] += np.sum(dout[p, :, i, j][:, None, None, None] * w, axis=0)
            for q in range(F):
                dw[q] += np.sum(dout[:, q, i, j][:, None, None, None] * patch, axis=0)
    dx = dx[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    N, C, outH, outW = dout.shape
    dx = np.zeros_like(x)
    for i in range(outH):
        for j in range(outW):
            rows = slice(i * sh, i * sh + kh)
            cols = slice(j * sw, j * sw + kw)
            piece = x[:, :, rows, cols]
            mask = piece == np.max(piece, axis=(2, 3))[:, :, None, None]
            dx[:, :, rows, cols] = dout[:, :, i, j][:, :, None, None] * mask
    return dx
