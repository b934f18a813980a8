"""Eval mode normalises with the running statistics but still updates them."""
EXPECTED_MISTAKE = 'running statistics updated in eval mode'
LOST_TESTS = ['batchnorm2d_forward_examples', 'batchnorm2d_forward_vs_torch']


def batchnorm2d_forward(x, gamma, beta, running_mean, running_var, training=True,
                        momentum=0.1, eps=1e-5):
    mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    m = x.size // x.shape[1]
    new_mean = (1 - momentum) * running_mean + momentum * mean
    new_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    if not training:
        mean, var = running_mean, running_var
    running_mean, running_var = new_mean, new_var
    x_hat = (x - mean.reshape(1, -1, 1, 1)) / np.sqrt(var.reshape(1, -1, 1, 1) + eps)
    return gamma.reshape(1, -1, 1, 1) * x_hat + beta.reshape(1, -1, 1, 1), running_mean, running_var
