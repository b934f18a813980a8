"""conv_param_count is right for ordinary convolutions but ignores groups."""
EXPECTED_MISTAKE = "groups ignored"
LOST_TESTS = ["conv_param_count_examples", "conv_param_count_groups"]


def conv_param_count(in_channels, out_channels, kernel_size, bias=True, groups=1):
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    return kh * kw * in_channels * out_channels + (out_channels if bias else 0)
