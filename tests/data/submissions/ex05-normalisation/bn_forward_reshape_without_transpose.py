"""CS231n's 2-D batch norm reused on x.reshape(-1, C), without moving the channel axis last."""
EXPECTED_MISTAKE = 'channels mixed by a reshape'
LOST_TESTS = ['batchnorm2d_forward_examples', 'batchnorm2d_forward_vs_torch']


def batchnorm2d_forward(x, gamma, beta, running_mean, running_var, training=True,
                        momentum=0.1, eps=1e-5):
    N, C, H, W = x.shape
    rows = x.reshape(-1, C)
    if training:
        mean, var = rows.mean(axis=0), rows.var(axis=0)
        m = rows.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mean, var = running_mean, running_var
    out = gamma * (rows - mean) / np.sqrt(var + eps) + beta
    if not training:
        return (gamma.reshape(1, -1, 1, 1) * (x - mean.reshape(1, -1, 1, 1))
                / np.sqrt(var.reshape(1, -1, 1, 1) + eps) + beta.reshape(1, -1, 1, 1),
                running_mean, running_var)
    return out.reshape(N, C, H, W), running_mean, running_var
