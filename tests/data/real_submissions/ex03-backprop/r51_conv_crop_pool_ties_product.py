"""One flat loop over itertools.product(sample, filter/channel, row, column) for both passes; conv crops the padding with [pad:-pad] and pool adds dout times an == mask, so tied maxima all get the gradient."""
SEEN_IN = "Xecades/EECS498-007, A3/convolutional_networks.py (mining report row #51)"
BUGS = [
    "conv2d_backward crops the padding with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    from itertools import product
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = dout.shape[2:]
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for n, f, i, j in product(range(N), range(F), range(H_out), range(W_out)):
        hs, ws = i * sh, j * sw
        block = x_pad[n, :, hs:hs + HH, ws:ws + WW]
        dx_pad[n, :, hs:hs + HH, ws:ws + WW] += dout[n, f, i, j] * w[f]
        dw[f] += dout[n, f, i, j] * block
        db[f] += dout[n, f, i, j]
    dx = dx_pad[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    from itertools import product
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out, W_out = dout.shape[2:]
    dx = np.zeros_like(x)
    for n, c, i, j in product(range(N), range(C), range(H_out), range(W_out)):
        hs, ws = i * sh, j * sw
        block = x[n, c, hs:hs + kh, ws:ws + kw]
        mask = block == block.max()
        dx[n, c, hs:hs + kh, ws:ws + kw] += mask * dout[n, c, i, j]
    return dx
