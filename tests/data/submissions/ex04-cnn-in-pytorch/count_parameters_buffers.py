"""Counts the state dict, which holds batch norm's running statistics too."""
EXPECTED_MISTAKE = "buffers counted as parameters"
LOST_TESTS = ["count_parameters_models"]


def count_parameters(model, trainable_only=False):
    if trainable_only:
        return sum(p.numel() for p in model.parameters() if p.requires_grad)
    return sum(t.numel() for t in model.state_dict().values())
