"""Freezes every parameter, the head's too: fine only when the head is replaced afterwards."""
EXPECTED_MISTAKE = "head frozen too"
LOST_TESTS = ["freeze_backbone_hidden"]


def freeze_backbone(model):
    for p in model.parameters():
        p.requires_grad = False
    return model
