"""conv_output_size forgets dilation."""
EXPECTED_MISTAKE = "dilation ignored"
LOST_TESTS = ["conv_output_size_examples", "conv_output_size_vs_torch", "conv_output_size_invalid"]


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    if kernel_size < 1 or stride < 1 or padding < 0:
        raise ValueError("invalid arguments")
    size = (input_size + 2 * padding - kernel_size) // stride + 1
    if size < 1:
        raise ValueError("the kernel does not fit")
    return size
