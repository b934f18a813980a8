"""Loops down to the input channel, accumulating 2-D slices of dw and of a padded dx; db is one vectorised sum. Correct."""
SEEN_IN = "Usman-Bajwa1/CNN-Scratch, conv.py (mining report row #4)"
BUGS = []
LOST = {}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    batch, c_out, oh, ow = dout.shape
    _, c_in, h, wd = x.shape
    _, _, kh, kw = w.shape
    dx = np.zeros_like(x)
    dW = np.zeros_like(w)
    dx_pad = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    db = np.sum(dout, axis=(0, 2, 3))
    for n in range(batch):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    for c in range(c_in):
                        region = x_pad[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                        dW[o, c] += region * dout[n, o, i, j]
                        dx_pad[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw] += w[o, c] * dout[n, o, i, j]
    dx = dx_pad[:, :, ph:ph + h, pw:pw + wd]
    return dx, dW, db
