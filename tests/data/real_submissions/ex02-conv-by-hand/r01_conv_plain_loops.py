"""Four nested loops (sample, filter, output row, output column), each output is the sum of the window times the filter plus the bias. Correct."""
SEEN_IN = "Clarence-G/learngit, cs231n/assignment2/conv1.py (mining report row #1)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    if b is None:
        b = np.zeros(F)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    H_new = 1 + (H + 2 * ph - HH) // sh
    W_new = 1 + (W + 2 * pw - WW) // sw
    out = np.zeros((N, F, H_new, W_new))
    for n in range(N):
        for f in range(F):
            for r in range(H_new):
                for c in range(W_new):
                    out[n, f, r, c] = np.sum(xp[n, :, r * sh:HH + r * sh, c * sw:WW + c * sw] * w[f]) + b[f]
    return out
