"""max pooling's dx is overwritten by later windows."""
EXPECTED_MISTAKE = "gradient not accumulated over overlapping windows"
LOST_TESTS = ["max_pool2d_backward_examples", "max_pool2d_backward_vs_torch"]


def max_pool2d_backward(dout, x, kernel_size, stride=None):
    (kh, kw), (sh, sw) = pair(kernel_size), pair(stride if stride is not None else kernel_size)
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            flat = window.reshape(*window.shape[:2], -1)
            winner = (np.arange(flat.shape[-1]) == flat.argmax(axis=-1)[..., None]).reshape(window.shape)
            region = dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            region[winner] = 0.0
            region += winner * dout[:, :, i:i + 1, j:j + 1]
    return dx
