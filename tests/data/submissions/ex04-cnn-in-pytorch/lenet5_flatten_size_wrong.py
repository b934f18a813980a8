"""The first fully connected layer sized for 4x4 maps: 16*4*4 = 256 features instead of 400."""
EXPECTED_MISTAKE = "flatten size wrong"
LOST_TESTS = ["LeNet5_examples", "LeNet5_shapes", "training_test_accuracy", "training_unseen_digits"]


class LeNet5(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 4 * 4, 120), nn.ReLU(),
            nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
