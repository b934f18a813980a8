"""Computes the output's width with the kernel's height (right for square kernels only)."""
EXPECTED_MISTAKE = "output width computed from the kernel's height"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    f, _, hh, ww = w.shape
    n, _, h, wd = x.shape
    h_out, w_out = (h - hh) // sh + 1, (wd - hh) // sw + 1
    out = np.zeros((n, f, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            patch = x[:, :, i * sh:i * sh + hh, j * sw:j * sw + ww]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out
