"""Adds up each layer's own parameters: a weight two layers share is counted twice."""
EXPECTED_MISTAKE = "a shared parameter counted twice"
LOST_TESTS = ["count_parameters_models"]


def count_parameters(model, trainable_only=False):
    total = 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if p.requires_grad or not trainable_only:
                total += p.numel()
    return total
