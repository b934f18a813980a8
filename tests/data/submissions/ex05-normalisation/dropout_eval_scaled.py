"""Classic (non-inverted) dropout's test-time scaling, on top of inverted dropout."""
EXPECTED_MISTAKE = 'output scaled in eval mode'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x * (1 - p)
    rng = rng if rng is not None else np.random.default_rng()
    return x * (rng.random(x.shape) >= p) / (1 - p)
