"""conv_param_count counts weights only."""
EXPECTED_MISTAKE = "bias forgotten"
LOST_TESTS = ["conv_param_count_examples", "conv_param_count_vs_torch", "conv_param_count_groups"]


def conv_param_count(in_channels, out_channels, kernel_size, bias=True, groups=1):
    if in_channels % groups or out_channels % groups:
        raise ValueError("groups must divide both channel counts")
    kh, kw = kernel_size if isinstance(kernel_size, tuple) else (kernel_size, kernel_size)
    return kh * kw * (in_channels // groups) * out_channels
