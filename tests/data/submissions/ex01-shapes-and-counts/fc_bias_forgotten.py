"""fc_param_count counts weights only."""
EXPECTED_MISTAKE = "bias forgotten"
LOST_TESTS = ["fc_param_count_examples", "fc_param_count_vs_torch"]


def fc_param_count(in_features, out_features, bias=True):
    return in_features * out_features
