"""Sends each window's gradient to every value equal to its maximum, where PyTorch
sends it to the first: only windows with ties show it (seen in 17 of 55 public solutions)."""
EXPECTED_MISTAKE = "gradient sent to every tied maximum"
LOST_TESTS = ["max_pool2d_backward_vs_torch"]


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    # Mistake: the mask marks every position equal to the window maximum, so a window
    # with tied maxima sends its full gradient to each of them (PyTorch: first one only).
    kh, kw = pair(kernel_size)
    sh, sw = pair(stride if stride is not None else kernel_size)
    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * sh, i * sh + kh)
            cols = slice(j * sw, j * sw + kw)
            win = x[:, :, rows, cols]
            hit = win == win.max(axis=(2, 3), keepdims=True)
            dx[:, :, rows, cols] += hit * dout[:, :, i:i + 1, j:j + 1]
    return dx
