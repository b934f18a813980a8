"""The training loop used throughout the book."""
import time

import torch
from tqdm import tqdm  # text, not a widget: the built book shows it as it is


def train_epoch(model, loader, optimizer, loss_fn):
    """One pass over `loader`, updating the model; returns the mean
    training loss."""
    model.train()  # dropout and batch norm behave as in training
    total, count = 0.0, 0
    for images, labels in loader:
        optimizer.zero_grad()  # gradients accumulate otherwise
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        count += len(labels)
    return total / count


@torch.no_grad()  # no gradients needed to evaluate: faster and lighter
def evaluate(model, loader):
    """Accuracy of the model on `loader`, in [0, 1]."""
    model.eval()  # dropout off, batch norm uses its running statistics
    correct, count = 0, 0
    for images, labels in loader:
        correct += (model(images).argmax(dim=1) == labels).sum().item()
        count += len(labels)
    return correct / count


def fit(model, train_loader, eval_loader, epochs, optimizer, loss_fn=None,
        progress=True):
    """Train for `epochs`; returns the history: the training loss and the
    accuracy on `eval_loader` (a validation set; None to skip it) after each
    epoch, and the training time in seconds (evaluation excluded)."""
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    history = {"train_loss": [], "eval_accuracy": [], "seconds": 0.0}
    epoch_numbers = tqdm(range(epochs), desc="epochs", disable=not progress,
                         leave=False)
    for _ in epoch_numbers:
        start = time.perf_counter()
        loss = train_epoch(model, train_loader, optimizer, loss_fn)
        history["train_loss"].append(loss)
        history["seconds"] += time.perf_counter() - start
        if eval_loader is not None:
            history["eval_accuracy"].append(evaluate(model, eval_loader))
    return history
