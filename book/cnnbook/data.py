"""Small image data sets that need no download: scikit-learn's digits, as they
are and redrawn harder."""
import math

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


def cluttered(images, copies=1, size=16, seed=0):
    """Harder versions of 8x8 digit images: each image drawn `copies` times,
    as a size x size float32 image with values in [0, 1]. Copy k of image i
    is row k * len(images) + i.

    Each drawing is made in four steps, with seeded random numbers:
    1. the digit is upsampled to 32x32 and, for half of the drawings, its
       strokes are thickened (a 3x3 maximum filter);
    2. it is rotated by up to 30 degrees either way, scaled by a factor
       between 0.77 and 1.25 and shifted by up to a quarter of the image;
    3. two 5x5 fragments cut from other drawings of the same set are pasted
       at random places (clutter that looks like strokes);
    4. Gaussian noise with a standard deviation of 0.1 is added.
    Fragments come from the same `images` only, so that drawings of two
    sets never share a pixel."""
    generator = torch.Generator().manual_seed(seed)

    def uniform(*shape):
        return torch.rand(shape, generator=generator)

    big = F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    thick = F.max_pool2d(big, 3, stride=1, padding=1)
    n, drawings = len(images), []
    for _ in range(copies):
        strokes = torch.where((uniform(n) < 0.5)[:, None, None, None], thick, big)
        angle = (2 * uniform(n) - 1) * math.radians(30)
        zoom = 0.8 + 0.5 * uniform(n)  # sampling step: above 1 the digit shrinks
        shift = (2 * uniform(n, 2) - 1) * 0.25
        cos, sin = torch.cos(angle) * zoom, torch.sin(angle) * zoom
        theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                             torch.stack([sin, cos, shift[:, 1]], 1)], 1)
        grid = F.affine_grid(theta, (n, 1, size, size), align_corners=False)
        drawing = F.grid_sample(strokes, grid, align_corners=False)
        clutter = torch.zeros_like(drawing)
        donors = torch.randint(0, n, (n, 2), generator=generator).tolist()
        corners = torch.randint(0, size - 5, (n, 2, 4), generator=generator).tolist()
        for i in range(n):
            for donor, (y0, x0, y1, x1) in zip(donors[i], corners[i]):
                fragment = drawing[donor, :, y0:y0 + 5, x0:x0 + 5]
                target = clutter[i, :, y1:y1 + 5, x1:x1 + 5]
                target.copy_(torch.maximum(target, fragment))
        drawing = torch.maximum(drawing, clutter)
        noise = 0.1 * torch.randn(drawing.shape, generator=generator)
        drawings.append((drawing + noise).clamp(0, 1))
    return torch.cat(drawings)
