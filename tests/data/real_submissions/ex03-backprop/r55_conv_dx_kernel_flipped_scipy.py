"""Uses scipy.signal per (filter, input channel) pair: dw is the valid correlation of the input with dout (right), but dx is the FULL correlation of dout with the kernel, which flips the kernel; the layer also knows no stride or padding."""
SEEN_IN = "unnamed repository (code search result, class Convolutional using scipy.signal) (mining report row #55)"
BUGS = [
    "dx is computed with a full-mode correlation of dout with the kernel instead of a full-mode convolution, so the kernel is flipped in the input gradient (wrong unless the kernel is 180-degree symmetric, e.g. 1x1)",
    "stride and padding are ignored: the layer was written for stride 1 and no padding, so any other setting gives wrong gradients or raises",
]
LOST = {
    'conv2d_backward_examples': 'kernel flipped in the input gradient',
    'conv2d_backward_vs_torch': None,
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    from scipy import signal
    N, C, H, W = x.shape
    F = w.shape[0]
    dw = np.zeros(w.shape)
    dx = np.zeros(x.shape)
    for n in range(N):
        for i in range(F):
            for j in range(C):
                dw[i, j] += signal.correlate2d(x[n, j], dout[n, i], mode="valid")
                dx[n, j] += signal.correlate2d(dout[n, i], w[i, j], mode="full")
    db = dout.sum(axis=(0, 2, 3))
    return dx, dw, db
