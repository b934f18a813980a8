"""Freezes model.features only: the hidden fully connected layers before the head still train."""
EXPECTED_MISTAKE = "only the convolutional part frozen"
LOST_TESTS = ["freeze_backbone_and_replace_head", "freeze_backbone_hidden"]


def freeze_backbone(model):
    for p in model.features.parameters():
        p.requires_grad = False
    return model
