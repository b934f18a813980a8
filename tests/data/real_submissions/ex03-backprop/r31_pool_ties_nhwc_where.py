"""Holberton-style NHWC loops; the max mode adds np.where(window == window max, dA, 0), so every tied maximum gets the full gradient."""
SEEN_IN = "3lackrukh/atlas-machine_learning, supervised_learning/cnn/3-pool_backward.py (mining report row #31)"
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
    dA_prev = np.zeros_like(A_prev)
    for i in range(m):
        for h in range(h_new):
            for v in range(w_new):
                for c in range(c_new):
                    window = A_prev[i, h * sh:h * sh + kh, v * sw:v * sw + kw, c]
                    biggest = np.max(window)
                    dA_prev[i, h * sh:h * sh + kh, v * sw:v * sw + kw, c] += np.where(window == biggest, dA[i, h, v, c], 0)
    return np.transpose(dA_prev, (0, 3, 1, 2))
