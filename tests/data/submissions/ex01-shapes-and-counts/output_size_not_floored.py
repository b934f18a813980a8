"""conv_output_size divides with / and checks nothing: every conv_output_size test fails."""
EXPECTED_MISTAKE = "output size not floored"
LOST_TESTS = ["conv_output_size_examples", "conv_output_size_vs_torch", "conv_output_size_invalid"]


def conv_output_size(input_size, kernel_size, stride=1, padding=0, dilation=1):
    return (input_size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
