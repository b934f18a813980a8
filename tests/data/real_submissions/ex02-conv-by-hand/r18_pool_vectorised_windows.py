"""Loops only over output positions and takes the max of each window for all samples and channels at once. Correct."""
SEEN_IN = "sn1c/cs7643-deep-learning, assignment2/part1-convnet/modules/max_pool.py (mining report row #18)"
BUGS = []
LOST = {}


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    H_out = int(np.floor((H - kh) / sh + 1))
    W_out = int(np.floor((W - kw) / sw + 1))
    out = np.zeros((N, C, H_out, W_out))
    for h in range(H_out):
        for v in range(W_out):
            lo_h, lo_w = h * sh, v * sw
            out[:, :, h, v] = np.max(x[:, :, lo_h:lo_h + kh, lo_w:lo_w + kw], axis=(2, 3))
    return out
