"""What Exercise 5's dropout test runs on the student's code (released next to the
notebook as probes.py).

Dropout is random, so no single answer is right: the test calls the student's function
the ways a network does (training with a seeded generator, the same seed again, another
seed, without a generator, in eval mode) and hands back the outputs themselves. It holds
no right answer and computes no statistic: the grader rebuilds the same input from the
seed and judges the outputs' statistics itself (autograder/judge/ex05.py).
"""

__tracebackhide__ = True  # IPython hides this module's frames in tracebacks


def dropout_input(seed, shape):
    """The probe's input: values in [0.5, 1.5), so that a zero in the output can only be
    a dropped value, and a kept value's scale is output / input."""
    import numpy as np
    return np.random.default_rng(seed).uniform(0.5, 1.5, size=shape)


def _raised(error):
    """An exception of the student's code, as plain data (the grader shows it)."""
    return {"raised": type(error).__name__, "message": str(error)[:2000]}


def run_dropout(dropout, p, seed=0, shape=(4, 4, 12, 12)):
    """dropout called as a network calls it, on dropout_input(seed, shape): what it
    returned each time (the repeated calls as their masks only) or raised, and whether it
    changed its input."""
    import numpy as np
    x = dropout_input(seed, shape)
    original = x.copy()

    def call(value, *args, masked=False, **kwargs):
        try:
            out = dropout(value, p, *args, **kwargs)
        except Exception as error:
            return _raised(error)
        # a repeated call's mask: which values it dropped
        return out == 0 if masked and isinstance(out, np.ndarray) and out.shape == shape else out

    seen = {"training": call(x, training=True, rng=np.random.default_rng(seed + 1))}
    seen["input_changed"] = not np.array_equal(x, original)
    seen["same_seed"] = call(original.copy(), rng=np.random.default_rng(seed + 1), masked=True)
    seen["other_seed"] = call(original.copy(), rng=np.random.default_rng(seed + 2), masked=True)
    seen["no_rng"] = call(original.copy(), masked=True)
    seen["eval"] = call(original.copy(), training=False)
    return seen
