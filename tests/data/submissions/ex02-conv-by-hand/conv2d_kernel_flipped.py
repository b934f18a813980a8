"""conv2d flips every kernel (true convolution)."""
EXPECTED_MISTAKE = "kernel flipped"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
    ph, pw = padding if isinstance(padding, tuple) else (padding, padding)
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    w = w[:, :, ::-1, ::-1]
    kh, kw = w.shape[2:]
    h_out, w_out = (x.shape[2] - kh) // sh + 1, (x.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))
    return out if b is None else out + b.reshape(1, -1, 1, 1)
