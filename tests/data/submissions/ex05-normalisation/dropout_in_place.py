"""The dropped values are zeroed in x itself."""
EXPECTED_MISTAKE = 'x changed in place'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    x[rng.random(x.shape) < p] = 0
    x /= 1 - p
    return x
