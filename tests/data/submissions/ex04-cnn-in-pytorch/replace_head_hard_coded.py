"""The new head's input size is LeNet-5's 84, whatever the model."""
EXPECTED_MISTAKE = "head's input size hard-coded"
LOST_TESTS = ["freeze_backbone_and_replace_head", "replace_head_hidden"]


def replace_head(model, num_classes):
    model.classifier[-1] = nn.Linear(84, num_classes)
    return model
