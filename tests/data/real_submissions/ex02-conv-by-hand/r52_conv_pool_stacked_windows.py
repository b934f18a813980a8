"""Vectorised im2col: all windows are stacked along a last axis, then one matmul (conv) or one amax (pool) produces the output. Both forward passes are right."""
SEEN_IN = "ZHZisZZ/EECS498-DLCV-homework-winter2022, A3/convolutional_networks.py (mining report row #52)"
BUGS = []
LOST = {}


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    N, C, H, W = x.shape
    F, C, KH, KW = w.shape
    if b is None:
        b = np.zeros(F)
    Ho = 1 + (H + 2 * ph - KH) // sh
    Wo = 1 + (W + 2 * pw - KW) // sw
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = []
    for i in range(Ho):
        for j in range(Wo):
            windows.append(xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW])
    stacked = np.stack(windows, axis=-1).reshape(N, -1, Ho * Wo)
    flat_w = w.reshape(F, -1)
    flat_out = np.matmul(flat_w, stacked) + b[:, None]
    return flat_out.reshape(N, F, Ho, Wo)


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    N, C, H, W = x.shape
    Ho = 1 + (H - kh) // sh
    Wo = 1 + (W - kw) // sw
    windows = []
    for i in range(Ho):
        for j in range(Wo):
            windows.append(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw])
    stacked = np.stack(windows, axis=-1)
    return stacked.max(axis=(2, 3)).reshape(N, C, Ho, Wo)
