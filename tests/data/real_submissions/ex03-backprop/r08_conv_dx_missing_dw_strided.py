"""Computes dw one kernel element at a time by multiplying a slice of the padded input with dout, but puts the stride on the kernel offset instead of on the slice step, and never computes dx (returns None); pool backward assigns at the argmax."""
SEEN_IN = "153079019shariq/cs231_spring2017, assignment2/cs231n/layers.py (mining report row #8)"
BUGS = [
    "conv2d_backward never computes dx: it returns None",
    "dw takes the slice x[i*stride : i*stride + H_out] instead of x[i : i + stride*H_out : stride], so dw is wrong (or raises) whenever the stride is not 1",
    "max_pool2d_backward assigns (=) at the argmax instead of adding, so a pixel that is the maximum of several overlapping windows keeps only the last window's gradient",
]
LOST = {
    'conv2d_backward_examples': None,
    'conv2d_backward_vs_torch': None,
    'max_pool2d_backward_examples': 'gradient not accumulated over overlapping windows',
    'max_pool2d_backward_vs_torch': 'gradient not accumulated over overlapping windows',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    # the student's forward cached the padded input, so backward works on it
    x = np.pad(x, ((0,), (0,), (ph,), (pw,)), "constant", constant_values=0)
    H_out = dout.shape[2]
    W_out = dout.shape[3]
    n_filters = dout.shape[1]
    n_channels = x.shape[1]
    fh = w.shape[2]
    fw = w.shape[3]
    dx = None
    dw = np.zeros((n_filters, n_channels, fh, fw))
    for f in range(n_filters):
        for c in range(n_channels):
            for i in range(fh):
                for j in range(fw):
                    dw[f, c, i, j] += np.sum(x[:, c, i * sh:i * sh + H_out, j * sw:j * sw + W_out] * dout[:, f, :, :])
    db = np.zeros(n_filters)
    for f in range(n_filters):
        db[f] = np.sum(dout[:, f, :, :])
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = dout.shape[2]
    W_out = dout.shape[3]
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    win = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    r, q = np.unravel_index(win.argmax(), win.shape)
                    dx[n, c, i * sh + r, j * sw + q] = dout[n, c, i, j]
    return dx
