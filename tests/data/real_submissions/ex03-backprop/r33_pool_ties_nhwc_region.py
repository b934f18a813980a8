"""Holberton-style NHWC loops into a float buffer; the max mode adds (region == region max) * dA, so every tied maximum gets the gradient."""
SEEN_IN = "Aicha-ch/holbertonschool-machine_learning, supervised_learning/cnn/3-pool_backward.py (mining report row #33)"
BUGS = [
    "every tied maximum in a window receives the gradient (PyTorch: first maximum only)",
]
LOST = {
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    sh, sw = pair(kernel_size if stride is None else stride)
    kh, kw = pair(kernel_size)
    A_prev = np.transpose(x, (0, 2, 3, 1))
    dA = np.transpose(dout, (0, 2, 3, 1))
    m, h_new, w_new, c = dA.shape
    dA_prev = np.zeros(shape=A_prev.shape)
    for i in range(m):
        for h in range(h_new):
            for v in range(w_new):
                for f in range(c):
                    r0 = h * sh
                    c0 = v * sw
                    region = A_prev[i, r0:r0 + kh, c0:c0 + kw, f]
                    hit = region == np.max(region)
                    dA_prev[i, r0:r0 + kh, c0:c0 + kw, f] += hit * dA[i, h, v, f]
    return np.transpose(dA_prev, (0, 3, 1, 2))
