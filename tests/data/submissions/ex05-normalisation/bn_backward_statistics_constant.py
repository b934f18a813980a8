"""dx as if the mean and the variance did not depend on x."""
EXPECTED_MISTAKE = 'batch statistics treated as constants'
LOST_TESTS = ['batchnorm2d_backward_examples', 'batchnorm2d_backward_vs_torch']


def batchnorm2d_backward(dout, x, gamma, eps=1e-5):
    inv_std = 1 / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    x_hat = (x - x.mean(axis=(0, 2, 3), keepdims=True)) * inv_std
    dx = dout * gamma.reshape(1, -1, 1, 1) * inv_std
    return dx, (dout * x_hat).sum(axis=(0, 2, 3)), dout.sum(axis=(0, 2, 3))
