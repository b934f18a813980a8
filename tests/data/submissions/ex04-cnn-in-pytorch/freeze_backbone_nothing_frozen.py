"""Replaces the head but leaves the backbone training."""
EXPECTED_MISTAKE = "backbone not frozen"
LOST_TESTS = ["freeze_backbone_and_replace_head", "freeze_backbone_hidden"]


def freeze_backbone(model):
    for p in model.classifier[-1].parameters():
        p.requires_grad = True
    return model
