"""Never switches the model back to training mode after evaluate()."""
EXPECTED_MISTAKE = "forgot model.train()"
LOST_TESTS = ["train_epoch_examples", "train_epoch_hidden"]


def train_epoch(model, loader, optimizer, loss_fn):
    losses = []
    for images, labels in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
