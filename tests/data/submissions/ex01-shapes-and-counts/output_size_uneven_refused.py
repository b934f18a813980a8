"""Asserts that the windows fit evenly, where PyTorch floors: sizes that do not divide raise."""
EXPECTED_MISTAKE = "uneven fit refused"
LOST_TESTS = ["conv_output_size_examples", "conv_output_size_vs_torch"]


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    if kernel_size < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("invalid convolution")
    span = dilation * (kernel_size - 1) + 1
    assert (input_size + 2 * padding - span) % stride == 0, "the windows do not fit evenly"
    size = (input_size + 2 * padding - span) // stride + 1
    if size < 1:
        raise ValueError("the kernel does not fit")
    return size
