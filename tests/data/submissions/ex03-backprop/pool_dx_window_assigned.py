"""Assigns each window's slice of dx instead of adding to it: an overlapping window wipes
what the one before sent (seen in 6 of 55 public solutions)."""
EXPECTED_MISTAKE = "window's gradient assigned, not added"
LOST_TESTS = ["max_pool2d_backward_examples", "max_pool2d_backward_vs_torch"]


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    # Mistake: the whole window slice of dx is assigned (=), so a later overlapping
    # window writes zeros over what earlier windows sent to the shared pixels.
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
            flat = win.reshape(*win.shape[:2], -1)
            hit = (np.arange(flat.shape[-1]) == flat.argmax(axis=-1)[..., None]).reshape(win.shape)
            dx[:, :, rows, cols] = hit * dout[:, :, i:i + 1, j:j + 1]
    return dx
