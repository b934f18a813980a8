"""Turns the scores into probabilities before CrossEntropyLoss, which expects logits.
The digits classifier still learns (95-98 % here), so only this function's tests are lost."""
EXPECTED_MISTAKE = "softmax before CrossEntropyLoss"
LOST_TESTS = ["train_epoch_examples", "train_epoch_hidden"]


def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    losses = []
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(torch.softmax(model(images), dim=1), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
