"""The bias gradient is computed, but the rest of the backward pass was never written: dx and dw are returned as arrays of zeros."""
SEEN_IN = "AnirudhM1/CS231n-2022-Solutions, assignment2/cs231n/layers.py (mining report row #44)"
BUGS = [
    "dx is never computed: it is returned as zeros",
    "dw is never computed: it is returned as zeros",
]
LOST = {
    'conv2d_backward_examples': 'dx and dw never computed',
    'conv2d_backward_vs_torch': 'dx and dw never computed',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    db = np.sum(dout, axis=(0, 2, 3))
    dw = np.zeros_like(w)
    dx = np.zeros_like(x)
    F, C, HH, WW = w.shape
    N, _, H, W = x.shape
    H_ = int(1 + (H + 2 * ph - HH) / sh)
    W_ = int(1 + (W + 2 * pw - WW) / sw)
    return dx, dw, db
