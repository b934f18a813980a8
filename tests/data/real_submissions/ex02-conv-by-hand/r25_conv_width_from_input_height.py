"""Loops over window positions in padded-pixel steps and computes both output sizes with one helper that reads the input height; the column loop is also bounded by the padded height, so non-square inputs get the wrong number of columns (or crash)."""
SEEN_IN = "swordofzeus/cnn_by_hand, part1-convnet/modules/convolution.py (mining report row #25)"
BUGS = [
    "the output width is computed from the input height H instead of the width W",
    "the column loop is bounded by the padded height instead of the padded width: when the padded height is the smaller one the right-hand columns are never computed (output too narrow, the columns it has are right); when it is the larger one the extra windows run past the right edge and the code raises, or broadcasts a 1-pixel-wide cut window into a garbage column",
]
LOST = {
    'conv2d_examples': "output width computed from the input's height",
    'conv2d_vs_torch': "output width computed from the input's height",
}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)

    def out_size(inp, pad, window, step):
        return int(1 + (H + 2 * pad - window) / step)

    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    if b is None:
        b = np.zeros(F)
    rows = out_size(x, ph, KH, sh)
    cols = out_size(x, pw, KW, sw)
    out = np.zeros((N, F, rows, cols))
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))

    def one_sample(sample, n, out):
        for f, kernel in enumerate(w):
            for top in range(0, xp.shape[2] + 1 - KH, sh):
                for left in range(0, xp.shape[2] + 1 - KW, sw):
                    window = sample[:, top:top + KH, left:left + KW]
                    out[n, f, int(top / sh), int(left / sw)] = np.sum(np.multiply(kernel, window)) + b[f]

    for n in range(N):
        one_sample(xp[n], n, out)
    return out
