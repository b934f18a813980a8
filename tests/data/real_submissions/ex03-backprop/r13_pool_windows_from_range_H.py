"""Loops over window starts in range(0, H, stride) and reads dout by counter with no fit check (IndexError when windows overlap or don't fit evenly); each window slice of dx is replaced by an == mask times dout."""
SEEN_IN = "WeightsandBiases/deep_learning, assignment2/part1-convnet/modules/max_pool.py (mining report row #13)"
BUGS = [
    "window starts are taken from range(0, H, stride) instead of the H_out valid positions, so any input where windows overlap or do not fit evenly raises IndexError",
    "every tied maximum receives the gradient (PyTorch: first maximum only)",
    "the whole window slice of dx is assigned (=) instead of added",
]
LOST = {
    'max_pool2d_backward_examples': 'windows started past the last one that fits',
    'max_pool2d_backward_vs_torch': 'windows started past the last one that fits',
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for oi, top in enumerate(range(0, H, sh)):
                for oj, left in enumerate(range(0, W, sw)):
                    pool = x[n, c, top:top + kh, left:left + kw]
                    mask = pool == np.max(pool)
                    dx[n, c, top:top + kh, left:left + kw] = mask * dout[n, c, oi, oj]
    return dx
