"""The kept values are not scaled by 1 / (1 - p)."""
EXPECTED_MISTAKE = 'kept values not rescaled'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x
    rng = rng if rng is not None else np.random.default_rng()
    return x * (rng.random(x.shape) >= p)
