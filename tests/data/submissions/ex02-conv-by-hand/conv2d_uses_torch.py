"""conv2d calls PyTorch: a library shortcut."""
EXPECTED_MISTAKE = "library convolution used"
LOST_TESTS = ["conv2d_examples", "conv2d_vs_torch"]


def conv2d(x, w, b=None, stride=1, padding=0):
    import torch
    import torch.nn.functional as F
    tensor = lambda a: None if a is None else torch.from_numpy(np.asarray(a, dtype="float64"))
    return F.conv2d(tensor(x), tensor(w), tensor(b), stride=stride, padding=padding).numpy()
