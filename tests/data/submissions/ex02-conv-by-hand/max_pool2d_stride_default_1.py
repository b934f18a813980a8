"""max_pool2d slides its window one pixel at a time when no stride is given."""
EXPECTED_MISTAKE = "pooling stride defaulting to 1"
LOST_TESTS = ["max_pool2d_examples", "max_pool2d_vs_torch"]


def max_pool2d(x, kernel_size, stride=1):
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
    views = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return views[:, :, ::sh, ::sw].max(axis=(4, 5))
