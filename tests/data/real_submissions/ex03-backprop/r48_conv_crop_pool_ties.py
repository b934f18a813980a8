"""Conv backward loops over output positions with vectorised products over samples/filters and crops with [pad:-pad]; pool backward adds dout times a vectorised == mask, so tied maxima all get the gradient."""
SEEN_IN = "Bachery/CS231n-2019spring, assignment2/cs231n/layers.py (mining report row #48)"
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
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_out = int(1 + (H + 2 * ph - HH) / sh)
    W_out = int(1 + (W + 2 * pw - WW) / sw)
    x_pad = np.pad(x, ((0,), (0,), (ph,), (pw,)), mode="constant", constant_values=0)
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))
    for i in range(H_out):
        for j in range(W_out):
            i_s, j_s = i * sh, j * sw
            patch = x_pad[:, :, i_s:i_s + HH, j_s:j_s + WW]
            for k in range(F):
                dw[k, :, :, :] += np.sum(dout[:, k, i, j][:, None, None, None] * patch, axis=0)
            for n in range(N):
                dx_pad[n, :, i_s:i_s + HH, j_s:j_s + WW] += np.sum(dout[n, :, i, j][:, None, None, None] * w, axis=0)
    dx = dx_pad[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = int(1 + (H - kh) / sh)
    W_out = int(1 + (W - kw) / sw)
    dx = np.zeros((N, C, H, W))
    for i in range(H_out):
        for j in range(W_out):
            i_s, j_s = i * sh, j * sw
            patch = x[:, :, i_s:i_s + kh, j_s:j_s + kw]
            top = np.max(patch, axis=(2, 3))
            binary = patch == top[:, :, None, None]
            dx[:, :, i_s:i_s + kh, j_s:j_s + kw] += binary * dout[:, :, i, j][:, :, None, None]
    return dx
