"""Splits a window's gradient equally among its tied maxima; PyTorch sends all of it to the
first maximum (seen in a public solution of the classic assignment)."""
EXPECTED_MISTAKE = "gradient split among tied maxima"
LOST_TESTS = ["max_pool2d_backward_vs_torch"]


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride if stride is not None else kernel_size)
    dx = np.zeros_like(x, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            # Mistake: each tied maximum gets an equal share.
            share = is_max / is_max.sum(axis=(2, 3), keepdims=True)
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += share * dout[:, :, i:i + 1, j:j + 1]
    return dx
