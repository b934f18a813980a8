"""Adds up the parameters of every module in model.modules(): the model and each container
count their children's parameters again."""
EXPECTED_MISTAKE = "parameters counted once per enclosing module"
LOST_TESTS = ["count_parameters_examples", "count_parameters_models"]


def count_parameters(model, trainable_only=False):
    total = 0
    for module in model.modules():
        for p in module.parameters():
            if p.requires_grad or not trainable_only:
                total += p.numel()
    return total
