"""Evaluates with dropout and batch norm still in training mode."""
EXPECTED_MISTAKE = "forgot model.eval()"
LOST_TESTS = ["evaluate_examples", "evaluate_hidden"]


def evaluate(model, loader):
    correct, total = 0, 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            total += len(labels)
    return correct / total
