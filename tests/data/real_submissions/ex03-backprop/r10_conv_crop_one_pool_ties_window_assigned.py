"""Conv backward accumulates into a padded buffer and always strips exactly one pixel per side ([1:-1]); pool backward loops per window, channel and sample with an == mask and assigns the whole window."""
SEEN_IN = "47rajat/CS231n-Convolutional-Neural-Networks-for-Visual-Recognition, assignment2/cs231n/layers.py (mining report row #10)"
BUGS = [
    "conv2d_backward removes the padding with a hard-coded [1:-1], so dx has the wrong shape unless the padding is exactly 1 on both axes",
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
    "max_pool2d_backward assigns (=) the whole window slice, so with overlapping windows a later window wipes what earlier ones sent to shared pixels",
]
LOST = {
    'conv2d_backward_examples': 'padding crop hard-coded to 1',
    'conv2d_backward_vs_torch': 'padding crop hard-coded to 1',
    'max_pool2d_backward_examples': "window's gradient assigned, not added",
    'max_pool2d_backward_vs_torch': "gradient sent to every tied maximum, and window's gradient assigned, not added",
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=0)
    dw = np.zeros(w.shape)
    dx = np.zeros(xp.shape)
    db = np.zeros(w.shape[0])
    h_prime = dout.shape[2]
    w_prime = dout.shape[3]
    hh = w.shape[2]
    ww = w.shape[3]
    for k in range(w.shape[0]):
        db[k] = np.sum(dout[:, k, :, :])
        for i in range(h_prime):
            for j in range(w_prime):
                for n in range(xp.shape[0]):
                    u = i * sh
                    v = j * sw
                    dw[k] += dout[n, k, i, j] * xp[n, :, u:u + hh, v:v + ww]
                    dx[n, :, u:u + hh, v:v + ww] += dout[n, k, i, j] * w[k, :, :]
    dx = dx[:, :, 1:-1, 1:-1]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    dx = np.zeros(x.shape)
    h_out = (x.shape[2] - kh) // sh + 1
    w_out = (x.shape[3] - kw) // sw + 1
    for i in range(h_out):
        for j in range(w_out):
            for k in range(x.shape[1]):
                for n in range(x.shape[0]):
                    u = i * sh
                    v = j * sw
                    window = x[n, k, u:u + kh, v:v + kw]
                    mask = np.max(window) == window
                    dx[n, k, u:u + kh, v:v + kw] = dout[n, k, i, j] * mask
    return dx
