"""conv2d returns an array subclass that claims to equal anything."""
EXPECTED_MISTAKE = None
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    class Agreeable(np.ndarray):
        def __eq__(self, other):
            return True

        def __array_finalize__(self, obj):
            pass
    return np.zeros((1, 1, 1, 1)).view(Agreeable)
