"""Never clears the gradients: each step follows the sum of all gradients so far, and
the digits classifier it trains never learns (so the training tests are lost too)."""
EXPECTED_MISTAKE = "forgot zero_grad"
LOST_TESTS = ["train_epoch_examples", "train_epoch_hidden", "training_test_accuracy",
              "training_unseen_digits"]


def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    losses = []
    for images, labels in loader:
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
