"""Writes no network: LeNet5 hands back the network the course's test helper builds for the
transfer tests. That network has LeNet-5's layout but not its sizes, so it is no answer,
and it trains below both accuracy thresholds."""
EXPECTED_MISTAKE = None
LOST_TESTS = ["LeNet5_examples", "LeNet5_shapes", "training_test_accuracy", "training_unseen_digits"]


class LeNet5(nn.Module):
    def __new__(cls, num_classes=10):
        import probes
        return probes.transfer_net("lenet_like")
