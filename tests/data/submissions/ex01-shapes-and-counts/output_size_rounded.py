"""Rounds the division to the nearest whole number instead of flooring it."""
EXPECTED_MISTAKE = "output size rounded, not floored"
LOST_TESTS = ["conv_output_size_vs_torch"]


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    if kernel_size < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("invalid convolution")
    size = round((input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
    if size < 1:
        raise ValueError("the kernel does not fit")
    return size
