"""Conv backward strips a hard-coded single pixel of padding ([1:-1]); pool backward writes 1 at every tied maximum of the window and then multiplies the whole window slice of dx by dout, which also rescales what overlapping windows wrote before."""
SEEN_IN = "AbzalAidakhmetov/EECS-498-598-Deep-Learning-for-Computer-Vision-Solutions-2022, A3/convolutional_networks.py (mining report row #49)"
BUGS = [
    "conv2d_backward removes the padding with a hard-coded [1:-1], so dx has the wrong shape unless the padding is exactly 1 on both axes",
    "max_pool2d_backward marks every tied maximum (PyTorch: first maximum only)",
    "max_pool2d_backward overwrites the maxima with 1 and then multiplies the whole window slice by dout, so with overlapping windows earlier gradients are overwritten or rescaled by later windows",
]
LOST = {
    'conv2d_backward_examples': 'padding crop hard-coded to 1',
    'conv2d_backward_vs_torch': 'padding crop hard-coded to 1',
    'max_pool2d_backward_examples': None,
    'max_pool2d_backward_vs_torch': None,
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, F, H_new, W_new = dout.shape
    F, C, HH, WW = w.shape
    dx_pad = np.zeros(x_pad.shape, dtype=np.float64)
    dw = np.zeros(w.shape, dtype=w.dtype)
    db = np.zeros(F, dtype=w.dtype)
    for n in range(N):
        for f in range(F):
            for r in range(H_new):
                for c in range(W_new):
                    dx_pad[n, :, r * sh:r * sh + HH, c * sw:c * sw + WW] += w[f] * dout[n, f, r, c]
                    db[f] += dout[n, f, r, c]
                    dw[f] += x_pad[n, :, r * sh:r * sh + HH, c * sw:c * sw + WW] * dout[n, f, r, c]
    dx = dx_pad[:, :, 1:-1, 1:-1]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    dx = np.zeros_like(x)
    N, C, H, W = x.shape
    H_new = int(1 + (H - kh) / sh)
    W_new = int(1 + (W - kw) / sw)
    for n in range(N):
        for c in range(C):
            for h in range(H_new):
                for v in range(W_new):
                    win_x = x[n, c, h * sh:h * sh + kh, v * sw:v * sw + kw]
                    win_dx = dx[n, c, h * sh:h * sh + kh, v * sw:v * sw + kw]
                    win_dx[win_x == np.max(win_x)] = 1
                    win_dx *= dout[n, c, h, v]
    return dx
