"""Evaluates with autograd recording every operation."""
EXPECTED_MISTAKE = "forgot torch.no_grad()"
LOST_TESTS = ["evaluate_examples", "evaluate_hidden"]


def evaluate(model, loader):
    model.eval()
    correct, total = 0, 0
    for images, labels in loader:
        correct += (model(images).argmax(dim=1) == labels).sum().item()
        total += len(labels)
    return correct / total
