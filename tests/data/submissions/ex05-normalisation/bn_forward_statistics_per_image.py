"""Mean and variance per image and channel, over H and W only (instance norm)."""
EXPECTED_MISTAKE = 'statistics over the wrong axes'
LOST_TESTS = ['batchnorm2d_forward_examples', 'batchnorm2d_forward_vs_torch']


def batchnorm2d_forward(x, gamma, beta, running_mean, running_var, training=True,
                        momentum=0.1, eps=1e-5):
    if training:
        mean = x.mean(axis=(2, 3), keepdims=True)
        var = x.var(axis=(2, 3), keepdims=True)
        running_mean = (1 - momentum) * running_mean + momentum * mean.mean(axis=(0, 2, 3))
        running_var = (1 - momentum) * running_var + momentum * var.mean(axis=(0, 2, 3))
    else:
        mean = running_mean.reshape(1, -1, 1, 1)
        var = running_var.reshape(1, -1, 1, 1)
    out = (x - mean) / np.sqrt(var + eps)
    return gamma.reshape(1, -1, 1, 1) * out + beta.reshape(1, -1, 1, 1), running_mean, running_var
