"""Per output position, flattens the windows of all samples and channels, takes argmax along the flat axis, then adds dout at the unravelled position. Correct (argmax picks the first maximum, as PyTorch does)."""
SEEN_IN = "sn1c/cs7643-deep-learning, assignment2/part1-convnet/modules/max_pool.py (mining report row #18)"
BUGS = []
LOST = {}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = int(np.floor((H - kh) / sh + 1))
    W_out = int(np.floor((W - kw) / sw + 1))
    dx = np.zeros_like(x)
    for h in range(H_out):
        for v in range(W_out):
            lo_h, lo_w = h * sh, v * sw
            flat = x[:, :, lo_h:lo_h + kh, lo_w:lo_w + kw].reshape(N, C, -1)
            best = np.argmax(flat, axis=2)
            for n in range(N):
                for c in range(C):
                    dr, dc = np.unravel_index(best[n, c], shape=(kh, kw))
                    dx[n, c, lo_h + dr, lo_w + dc] += dout[n, c, h, v]
    return dx
