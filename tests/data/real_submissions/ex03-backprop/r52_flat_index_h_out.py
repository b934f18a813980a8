"""Vectorised im2col backward: windows are stacked along a flat last axis numbered i*W_out + j, but the scatter loop reads window (i, j) at i*H_out + j; dw is right, dx (and the pooled dx) are wrong for non-square outputs. Pool also keeps every tied maximum; conv crops with [pad:-pad]."""
SEEN_IN = "ZHZisZZ/EECS498-DLCV-homework-winter2022, A3/convolutional_networks.py (mining report row #52)"
BUGS = [
    "the gradient of window (i, j) is read at flat index H_out*i + j instead of W_out*i + j: dx is wrong when H_out < W_out and the code raises IndexError when H_out > W_out (right only for square outputs); affects conv dx and pool dx, not dw",
    "conv2d_backward crops the padding with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "max_pool2d_backward gives the gradient to every tied maximum (PyTorch: first maximum only)",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': None,
    'max_pool2d_backward_examples': None,
    'max_pool2d_backward_vs_torch': None,
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_out = 1 + (H + 2 * ph - HH) // sh
    W_out = 1 + (W + 2 * pw - WW) // sw
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = []
    for i in range(H_out):
        for j in range(W_out):
            windows.append(xp[:, :, i * sh:i * sh + HH, j * sw:j * sw + WW])
    cols = np.stack(windows, axis=-1).reshape(N, -1, H_out * W_out)
    w_flat = w.reshape(F, -1)
    g = dout.reshape(N, F, -1)
    db = g.sum((0, 2))
    dw = np.matmul(g, cols.transpose(0, 2, 1)).sum(0).reshape(F, C, HH, WW)
    d_cols = np.matmul(w_flat.T, g).reshape(N, C, HH, WW, -1)
    dxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            dxp[:, :, i * sh:i * sh + HH, j * sw:j * sw + WW] += d_cols[..., H_out * i + j]
    dx = dxp[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = 1 + (H - kh) // sh
    W_out = 1 + (W - kw) // sw
    windows = []
    for i in range(H_out):
        for j in range(W_out):
            windows.append(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw])
    wins = np.stack(windows, axis=-1)
    g = dout.reshape(N, C, -1)
    mask = wins == wins.max(axis=(2, 3), keepdims=True)
    d_wins = g[:, :, None, None, :] * mask
    dx = np.zeros(x.shape, dtype=x.dtype)
    for i in range(H_out):
        for j in range(W_out):
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += d_wins[..., H_out * i + j]
    return dx
