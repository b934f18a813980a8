"""Calls PyTorch's batch norm, which the rules forbid."""
EXPECTED_MISTAKE = 'library used'
LOST_TESTS = ['batchnorm2d_forward_examples', 'batchnorm2d_forward_vs_torch']


def batchnorm2d_forward(x, gamma, beta, running_mean, running_var, training=True,
                        momentum=0.1, eps=1e-5):
    import torch
    import torch.nn.functional as F
    rm, rv = torch.tensor(running_mean), torch.tensor(running_var)
    out = F.batch_norm(torch.tensor(x), rm, rv, torch.tensor(gamma), torch.tensor(beta),
                       training, momentum, eps)
    return out.numpy(), rm.numpy(), rv.numpy()
