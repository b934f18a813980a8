"""Holberton-style NHWC loops with explicit start/end indices; the max mode adds mask * dA with mask = (slice == slice max), so tied maxima all get the gradient."""
SEEN_IN = "Ace-Quantum/atlas-machine_learning, supervised_learning/cnn/3-pool_backward.py (mining report row #32)"
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
                    v_start = h * sh
                    v_end = v_start + kh
                    h_start = v * sw
                    h_end = h_start + kw
                    a_slice = A_prev[i, v_start:v_end, h_start:h_end, c]
                    mask = a_slice == np.max(a_slice)
                    dA_prev[i, v_start:v_end, h_start:h_end, c] += mask * dA[i, h, v, c]
    return np.transpose(dA_prev, (0, 3, 1, 2))
