"""Trains nothing: `model` has LeNet-5's layers but answers from a table of every one of
scikit-learn's digits, the 397 the exercise leaves aside included, with their labels. It
gets every test digit right; the digits the grader draws while grading are in no table."""
EXPECTED_MISTAKE = None
LOST_TESTS = ["training_unseen_digits"]
CELLS = {"training": '''
start = time.perf_counter()


class Memorised(LeNet5):
    def __init__(self):
        super().__init__()
        self.table = {image.numpy().tobytes(): int(label) for image, label in zip(images, labels)}

    def forward(self, x):
        known = [self.table.get(image.numpy().tobytes(), 0) for image in x]
        return nn.functional.one_hot(torch.tensor(known), 10).float()


model = Memorised()
losses = [1.0]
seconds = time.perf_counter() - start
print(f"Trained in {seconds:.1f} s: test accuracy {evaluate(model, test_loader):.1%}")
'''}
