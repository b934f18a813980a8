"""Loops down to the input channel: each output value accumulates one 2-D window product per input channel, then adds the bias. Correct."""
SEEN_IN = "Usman-Bajwa1/CNN-Scratch, conv.py (mining report row #4)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    batch, c_in, h, wd = x.shape
    c_out, _, kh, kw = w.shape
    if b is None:
        b = np.zeros(c_out)
    oh = 1 + (h + 2 * ph - kh) // sh
    ow = 1 + (wd + 2 * pw - kw) // sw
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant")
    out = np.zeros((batch, c_out, oh, ow))
    for n in range(batch):
        for o in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    total = 0
                    for c in range(c_in):
                        region = xp[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                        total += np.sum(region * w[o, c])
                    out[n, o, i, j] = total + b[o]
    return out
