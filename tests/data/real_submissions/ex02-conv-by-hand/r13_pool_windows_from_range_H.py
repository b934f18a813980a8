"""Loops over every window start in range(0, H, stride) and writes into the output by counter, with no check that the window fits; it raises IndexError as soon as windows overlap or do not tile the input exactly."""
SEEN_IN = "WeightsandBiases/deep_learning, assignment2/part1-convnet/modules/max_pool.py (mining report row #13)"
BUGS = [
    "window starts are taken from range(0, H, stride) instead of the H_out valid positions, so any input where windows overlap or do not fit evenly raises IndexError",
]
LOST = {
    'max_pool2d_examples': 'windows started past the last one that fits',
    'max_pool2d_vs_torch': 'windows started past the last one that fits',
}


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    H_out = int(1 + (H - kh) / sh)
    W_out = int(1 + (W - kw) / sw)
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for oi, top in enumerate(range(0, H, sh)):
                for oj, left in enumerate(range(0, W, sw)):
                    out[n, c, oi, oj] = np.max(x[n, c, top:top + kh, left:left + kw])
    return out
