"""Loops only over output positions; for all samples and channels at once it adds dout times (window == window max), so every tied maximum gets the gradient."""
SEEN_IN = "cpeng78/Deep-Learning-for-Visual-Recognition, assignment2/part1-convnet/modules/max_pool.py (mining report row #14)"
BUGS = [
    "every tied maximum in a window receives the gradient (PyTorch: first maximum only)",
]
LOST = {
    'max_pool2d_backward_vs_torch': 'gradient sent to every tied maximum',
}


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    n, c, h_in, w_in = x.shape
    H_out = 1 + (h_in - kh) // sh
    W_out = 1 + (w_in - kw) // sw
    grad = np.zeros_like(x)
    for i in range(H_out):
        for j in range(W_out):
            r0, c0 = i * sh, j * sw
            pool = x[:, :, r0:r0 + kh, c0:c0 + kw]
            mask = pool == np.max(pool, axis=(2, 3), keepdims=True)
            grad[:, :, r0:r0 + kh, c0:c0 + kw] += dout[:, :, i:i + 1, j:j + 1] * mask
    return grad
