"""Timing functions on a machine that other programs share (chapter 10)."""
import time

import numpy as np


def median_ms(functions, repeats, block_seconds=0.02):
    """Median milliseconds per call, {name: ms}, of each function in
    `functions`, {name: function with no arguments}.

    Each function is called once to warm up, then timed in `repeats`
    blocks of calls lasting at least `block_seconds` each. The functions
    take turns block by block, so that a busy moment slows all of them.
    """
    number = {}
    for name, f in functions.items():
        start = time.perf_counter()
        f()  # warm-up
        once = time.perf_counter() - start
        if once < block_seconds:  # time a second call, free of one-off costs
            start = time.perf_counter()
            f()
            once = time.perf_counter() - start
        number[name] = max(1, round(block_seconds / once))  # calls per block
    times = {name: [] for name in functions}
    for _ in range(repeats):
        for name, f in functions.items():  # the functions take turns
            start = time.perf_counter()
            for _ in range(number[name]):
                f()
            times[name].append((time.perf_counter() - start) / number[name])
    return {name: 1000 * float(np.median(t)) for name, t in times.items()}
