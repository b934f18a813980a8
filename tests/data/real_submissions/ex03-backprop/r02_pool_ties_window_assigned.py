"""Loops over sample, channel and window; the window's slice of dx is replaced by (window == max) * dout, so every tied maximum gets the gradient and overlapping windows overwrite each other."""
SEEN_IN = "Clarence-G/learngit, cs231n/assignment2/max-pool.py (mining report row #2)"
BUGS = [
    "every position equal to the window maximum receives the gradient (PyTorch sends it to the first maximum only)",
    "the whole window slice of dx is assigned (=) instead of added, so with overlapping windows a later window wipes what earlier ones sent to shared pixels",
]
LOST = {
    'max_pool2d_backward_examples': "window's gradient assigned, not added",
    'max_pool2d_backward_vs_torch': "gradient sent to every tied maximum, and window's gradient assigned, not added",
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    HH, WW = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_new = 1 + (H - HH) // sh
    W_new = 1 + (W - WW) // sw
    dx = np.zeros_like(x)
    for i in range(N):
        for j in range(C):
            for k in range(H_new):
                for l in range(W_new):
                    window = x[i, j, k * sh:HH + k * sh, l * sw:WW + l * sw]
                    m = np.max(window)
                    dx[i, j, k * sh:HH + k * sh, l * sw:WW + l * sw] = (window == m) * dout[i, j, k, l]
    return dx
