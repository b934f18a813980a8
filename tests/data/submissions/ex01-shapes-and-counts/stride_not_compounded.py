"""receptive_field uses each layer's stride on its own, not the product of earlier ones."""
EXPECTED_MISTAKE = "stride not compounded"
LOST_TESTS = ["receptive_field_examples", "receptive_field_vs_torch"]


def receptive_field(layers):
    field = 1
    for layer in layers:
        dilation = layer[2] if len(layer) == 3 else 1
        field += dilation * (layer[0] - 1)
    return field
