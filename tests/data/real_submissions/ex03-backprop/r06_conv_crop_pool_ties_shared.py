"""Conv backward loops per sample, filter and window and crops the padding with [pad:-pad]; pool backward builds a 0/1 mask of the window maxima and divides it by its sum, so tied maxima share the gradient."""
SEEN_IN = "0Kelvins/cs231n-assignment, assignment2/cs231n/layers.py (mining report row #6)"
BUGS = [
    "conv2d_backward crops the padding with [pad:-pad], so at padding 0 on an axis dx has a zero-length axis",
    "max_pool2d_backward splits the gradient equally among tied maxima instead of sending all of it to the first maximum",
]
LOST = {
    'conv2d_backward_examples': 'padding cropped with [p:-p]',
    'conv2d_backward_vs_torch': 'padding cropped with [p:-p]',
    'max_pool2d_backward_vs_torch': 'gradient split among tied maxima',
}


def conv2d_backward(dout, x, w, stride=1, padding=0):
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    dx = np.zeros(x.shape, dtype=np.float64)
    dw = np.zeros(w.shape, dtype=np.float64)
    db = np.zeros(w.shape[0], dtype=np.float64)
    N, C, H, W = x.shape
    F, C2, HH, WW = w.shape
    Hp = int(1 + (H + 2 * ph - HH) / sh)
    Wp = int(1 + (W + 2 * pw - WW) / sw)
    dx_paded = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=(0, 0))
    x_paded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), "constant", constant_values=(0, 0))
    for i in range(N):
        xi = x_paded[i]
        for j in range(F):
            wj = w[j]
            for r in range(Hp):
                for c in range(Wp):
                    db[j] += dout[i, j, r, c]
                    dx_paded[i, :, r * sh:r * sh + HH, c * sw:c * sw + WW] += dout[i, j, r, c] * wj
                    dw[j] += dout[i, j, r, c] * xi[:, r * sh:r * sh + HH, c * sw:c * sw + WW]
    dx = dx_paded[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    Hp = int(1 + (H - kh) / sh)
    Wp = int(1 + (W - kw) / sw)
    dx = np.zeros(x.shape, dtype=np.float64)
    for i in range(N):
        xi = x[i]
        for r in range(Hp):
            for c in range(Wp):
                block = xi[:, r * sh:r * sh + kh, c * sw:c * sw + kw]
                for ch in range(C):
                    plane = block[ch]
                    mask = np.zeros(plane.shape, dtype=np.float64)
                    mask[plane == np.max(plane)] = 1
                    mask /= np.sum(mask)
                    dx[i, ch, r * sh:r * sh + kh, c * sw:c * sw + kw] += mask * dout[i, ch, r, c]
    return dx
