"""Small image data sets that need no download: scikit-learn's digits."""
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset


def digits(size=8):
    """The 1,797 handwritten digits as float32 images (N, 1, size, size)
    with values in [0, 1], and their labels.

    The originals are 8x8 with values 0..16; other sizes are resized
    bilinearly.
    """
    bunch = load_digits()
    images = torch.tensor(bunch.images / 16.0, dtype=torch.float32)
    images = images.unsqueeze(1)  # one channel: (N, 1, 8, 8)
    if size != 8:
        images = F.interpolate(images, size=(size, size), mode="bilinear",
                               align_corners=False)
    return images, torch.tensor(bunch.target, dtype=torch.int64)


def split(images, labels, test_fraction=0.25, seed=0):
    """A stratified train/test split: (x_train, y_train, x_test, y_test)."""
    index = np.arange(len(labels))
    train, test = train_test_split(index, test_size=test_fraction,
                                   random_state=seed,
                                   stratify=labels.numpy())
    return images[train], labels[train], images[test], labels[test]


def split_three(images, labels, validation_fraction=0.2, test_fraction=0.2, seed=0):
    """Stratified training, validation and test parts, each an (images, labels)
    pair; the fractions are of the whole set.

    Every choice (how long to train, which model) is made on the validation
    part; the test part is scored once, for the model chosen, so that its
    accuracy is an honest estimate of what the choice is worth."""
    x_rest, y_rest, x_test, y_test = split(images, labels, test_fraction, seed)
    x_train, y_train, x_val, y_val = split(
        x_rest, y_rest, validation_fraction / (1 - test_fraction), seed)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def loader(images, labels, batch_size=64, shuffle=False, seed=0):
    """A DataLoader over tensors; shuffling is seeded, so that every run
    sees the same batches."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(images, labels), batch_size=batch_size,
                      shuffle=shuffle, generator=generator)
