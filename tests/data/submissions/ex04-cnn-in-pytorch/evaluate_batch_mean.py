"""Averages the batches' accuracies, although the last batch is smaller."""
EXPECTED_MISTAKE = "accuracy averaged over batches of different sizes"
LOST_TESTS = ["evaluate_examples", "evaluate_hidden"]


def evaluate(model, loader):
    model.eval()
    accuracies = []
    with torch.no_grad():
        for images, labels in loader:
            accuracies.append((model(images).argmax(dim=1) == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)
