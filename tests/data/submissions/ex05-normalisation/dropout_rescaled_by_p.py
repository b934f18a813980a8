"""The kept values are scaled by 1 / p."""
EXPECTED_MISTAKE = 'kept values rescaled by 1/p'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    return x * (rng.random(x.shape) >= p) / p
