"""CS231n's convention: p is the probability of keeping a value."""
EXPECTED_MISTAKE = 'p taken as the probability of keeping'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    mask = (rng.random(x.shape) < p) / p
    return x * mask
