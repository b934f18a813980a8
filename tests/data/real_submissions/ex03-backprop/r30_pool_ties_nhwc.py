"""Holberton-style NHWC loops over example, output position and channel; the max mode adds (slice == slice max) * dA, so every tied maximum gets the gradient."""
SEEN_IN = "1Sultanz/holbertonschool-machine_learning, supervised_learning/cnn/3-pool_backward.py (mining report row #30)"
BUGS = [
    "every tied maximum in a window receives the gradient (PyTorch: first maximum only)",
]
LOST = {
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    dA = np.transpose(dout, (0, 2, 3, 1))
    m, h_new, w_new, c_new = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for e in range(m):
        for i in range(h_new):
            for j in range(w_new):
                for k in range(c_new):
                    piece = A_prev[e, i * sh:i * sh + kh, j * sw:j * sw + kw, k]
                    mask = piece == np.max(piece)
                    dA_prev[e, i * sh:i * sh + kh, j * sw:j * sw + kw, k] += mask * dA[e, i, j, k]
    return np.transpose(dA_prev, (0, 3, 1, 2))
