"""No activation between the layers: pooling alone is not enough of a nonlinearity, and the
fully connected layers compose to one linear map. On these easy digits it still trains to
about 97 % (the held-back digits too), so only the tests that look inside the network see it."""
EXPECTED_MISTAKE = "activation missing"
LOST_TESTS = ["LeNet5_examples", "LeNet5_shapes"]


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.Linear(120, 84),
            nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
