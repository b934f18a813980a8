"""dx with the path through the mean, but not the one through the variance."""
EXPECTED_MISTAKE = 'dx missing the path through the variance'
LOST_TESTS = ['batchnorm2d_backward_examples', 'batchnorm2d_backward_vs_torch']


def batchnorm2d_backward(dout, x, gamma, eps=1e-5):
    inv_std = 1 / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    x_hat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) * inv_std
    dx_hat = dout * gamma.reshape(1, -1, 1, 1)
    dx = (dx_hat - dx_hat.mean(axis=(0, 2, 3), keepdims=True)) * inv_std
    return dx, (dout * x_hat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))
