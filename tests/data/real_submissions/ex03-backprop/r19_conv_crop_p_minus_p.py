"""Loops over sample, filter and window origins in padded-pixel steps, accumulating dw, db and a padded dx; the padding is removed with [p:-p], which leaves an empty axis when the padding is 0."""
SEEN_IN = "Gabgros/convnet, part1-convnet/modules/convolution.py (mining report row #19)"
BUGS = [
    "the padding is cropped with [p:-p], so at padding 0 on an axis dx has a zero-length axis",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    H_out = (H - kh + 2 * ph) // sh + 1
    W_out = (W - kw + 2 * pw) // sw + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    grad_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F, dtype=w.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(0, H_out * sh, sh):
                for j in range(0, W_out * sw, sw):
                    g = dout[n, f, i // sh, j // sw]
                    dw[f, :, :, :] += x_pad[n, :, i:i + kh, j:j + kw] * g
                    db[f] += g
                    grad_pad[n, :, i:i + kh, j:j + kw] += w[f] * g
    dx = np.copy(grad_pad[:, :, ph:-ph, pw:-pw])
    return dx, dw, db
