"""dgamma and dbeta summed over the batch only, as for a 2-D input."""
EXPECTED_MISTAKE = 'dgamma and dbeta not summed over batch and space'
LOST_TESTS = ['batchnorm2d_backward_examples', 'batchnorm2d_backward_vs_torch']


def batchnorm2d_backward(dout, x, gamma, eps=1e-5):
    axes = (0, 2, 3)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) * inv_std
    dx_hat = dout * gamma.reshape(1, -1, 1, 1)
    dx = inv_std * (dx_hat - dx_hat.mean(axis=axes, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
