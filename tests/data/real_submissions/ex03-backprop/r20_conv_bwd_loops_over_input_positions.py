"""Backward loops over the INPUT's rows and columns (not the output's) and places each window at (r, c) with no stride, reading dout[.., r, c]; it only works when the output has the same size as the input and the stride is 1."""
SEEN_IN = "chirschmann3/assignment2-s23, part1-convnet/modules/convolution.py (mining report row #20)"
BUGS = [
    "the backward loops run over the input height and width instead of H_out and W_out: IndexError on dout when H_out < H or W_out < W, and the extra output rows/columns are ignored when H_out > H",
    "the stride is ignored in the backward pass (window (r, c) is placed at (r, c), not (r*stride, c*stride))",
]
LOST = {
    'conv2d_backward_examples': None,
    'conv2d_backward_vs_torch': None,
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    ph, pw = pair(padding)
    kh, kw = w.shape[2], w.shape[3]
    dw = np.zeros_like(w)
    db = np.zeros(w.shape[0], dtype=w.dtype)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=0)
    dxp = np.zeros_like(xp)
    for img in range(x.shape[0]):
        for k in range(w.shape[0]):
            for r in range(x.shape[2]):
                for c in range(x.shape[3]):
                    dw[k, :, :, :] += dout[img, k, r, c] * xp[img, :, r:r + kh, c:c + kw]
                    dxp[img, :, r:r + kh, c:c + kw] += dout[img, k, r, c] * w[k, :, :, :]
                    db[k] += dout[img, k, r, c]
    dx = dxp[:, :, ph:x.shape[2] + ph, pw:x.shape[3] + pw]
    return dx, dw, db
