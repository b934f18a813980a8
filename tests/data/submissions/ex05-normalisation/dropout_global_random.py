"""The mask comes from np.random, whatever rng is passed."""
EXPECTED_MISTAKE = 'the rng argument ignored'
LOST_TESTS = ['dropout_statistics', 'dropout_statistics_hidden']


def dropout(x, p, training=True, rng=None):
    if not training:
        return x
    return x * (np.random.rand(*x.shape) > p) / (1 - p)
