"""deeplearning.ai-style NHWC loops with a conv_single_step helper that adds the bias to every product of the window before summing, so each output gets b times C_in*KH*KW; max_pool2d is right."""
SEEN_IN = "redman157/tensorflow-build-example, CNN-step-by-step.py (mining report row #39)"
BUGS = [
    "the bias is added to every element of the window before the sum, so each output carries b[o] * C_in * KH * KW instead of b[o]",
]
LOST = {
    'conv2d_examples': 'bias added to every product',
    'conv2d_vs_torch': 'bias added to every product',
}


def _single_step(a_slice, kernel, bias):
    prods = np.multiply(a_slice, kernel) + bias
    return np.sum(prods)


def conv2d(x, w, b=None, stride=1, padding=0):
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
    A = np.transpose(x, (0, 2, 3, 1))          # NHWC, as in the original
    Wk = np.transpose(w, (2, 3, 1, 0))         # (KH, KW, C_in, C_out)
    m, h_prev, w_prev, c_prev = A.shape
    kh, kw, _, c_out = Wk.shape
    bias = np.zeros((1, 1, 1, c_out)) if b is None else np.reshape(b, (1, 1, 1, c_out))
    n_h = int((h_prev - kh + 2 * ph) / sh) + 1
    n_w = int((w_prev - kw + 2 * pw) / sw) + 1
    Z = np.zeros((m, n_h, n_w, c_out))
    A_pad = np.pad(A, ((0, 0), (ph, ph), (pw, pw), (0, 0)), "constant", constant_values=0)
    for i in range(m):
        a = A_pad[i]
        for h in range(n_h):
            for v in range(n_w):
                for c in range(c_out):
                    top, left = h * sh, v * sw
                    piece = a[top:top + kh, left:left + kw, :]
                    Z[i, h, v, c] = _single_step(piece, Wk[..., c], bias[..., c])
    return np.transpose(Z, (0, 3, 1, 2))


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
    A = np.transpose(x, (0, 2, 3, 1))
    m, h_prev, w_prev, c_prev = A.shape
    n_h = int((h_prev - kh) / sh) + 1
    n_w = int((w_prev - kw) / sw) + 1
    out = np.zeros((m, n_h, n_w, c_prev))
    for i in range(m):
        for h in range(n_h):
            for v in range(n_w):
                for c in range(c_prev):
                    out[i, h, v, c] = np.max(A[i, h * sh:h * sh + kh, v * sw:v * sw + kw, c])
    return np.transpose(out, (0, 3, 1, 2))
