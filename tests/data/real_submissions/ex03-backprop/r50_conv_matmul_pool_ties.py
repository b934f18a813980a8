"""Conv backward flattens each window and uses two small matrix products per output position (correct); pool backward adds dout times a vectorised == mask, so tied maxima all get the gradient."""
SEEN_IN = "Andy-Guan/EECS-498-007-598-005-Deep-Learning-for-Computer-Vision, A3/convolutional_networks.py (mining report row #50)"
BUGS = [
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
]
LOST = {
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    db = np.sum(dout, axis=(0, 2, 3))
    dw = np.zeros_like(w)
    dx_pad = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    w_flat = w.reshape(F, -1)
    for i in range(H_out):
        for j in range(W_out):
            r0, c0 = i * sh, j * sw
            cols = x_pad[:, :, r0:r0 + HH, c0:c0 + WW].reshape(N, -1)
            g = dout[:, :, i, j]
            dw += (g.T @ cols).reshape(w.shape)
            dx_pad[:, :, r0:r0 + HH, c0:c0 + WW] += (g @ w_flat).reshape(N, C, HH, WW)
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            r0, c0 = i * sh, j * sw
            patch = x[:, :, r0:r0 + kh, c0:c0 + kw]
            mask = patch == np.amax(patch, axis=(2, 3), keepdims=True)
            dx[:, :, r0:r0 + kh, c0:c0 + kw] += dout[:, :, i, j].reshape(N, C, 1, 1) * mask
    return dx
