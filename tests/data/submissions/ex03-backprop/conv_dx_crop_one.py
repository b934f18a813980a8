"""Crops exactly one row and column from each side of dx, right only for padding 1."""
EXPECTED_MISTAKE = "padding crop hard-coded to 1"
LOST_TESTS = ["conv2d_backward_examples", "conv2d_backward_vs_torch"]


def conv2d_backward(dout, x, w, stride=1, padding=0):
    # Mistake: the padding is removed from dx by cropping exactly one row/column on
    # each side, whatever the padding is (right only for padding 1).
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * sh, i * sh + kh)
            cols = slice(j * sw, j * sw + kw)
            g = dout[:, :, i, j]
            dxp[:, :, rows, cols] += np.einsum('nf,fckl->nckl', g, w)
            dw += np.einsum('nf,nckl->fckl', g, xp[:, :, rows, cols])
    db = dout.sum(axis=(0, 2, 3))
    dx = dxp[:, :, 1:-1, 1:-1]
    return dx, dw, db
