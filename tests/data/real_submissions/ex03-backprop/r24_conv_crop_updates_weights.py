"""Standard per-window loops into a padded gradient, but the padding is cropped with [pad:-pad], and the function also takes an SGD step on the weights (w -= dw) before returning."""
SEEN_IN = "mtlcr/CNN-from-scratch, part1-convnet/modules/convolution.py (mining report row #24)"
BUGS = [
    "the padding is cropped with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "the backward pass changes the weights in place (w -= dw), a side effect on the caller's array",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    kh, kw = w.shape[2], w.shape[3]
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros(w.shape[0], dtype=w.dtype)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant", constant_values=0)
    dx_pad = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant", constant_values=0)
    for n in range(N):
        for o in range(w.shape[0]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    region = x_pad[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    dx_pad[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += w[o] * dout[n, o, i, j]
                    dw[o] += region * dout[n, o, i, j]
                    db[o] += dout[n, o, i, j]
    dx = dx_pad[:, :, ph:-ph, pw:-pw]
    w -= dw
    return dx, dw, db
