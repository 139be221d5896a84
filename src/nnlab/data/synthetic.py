"""A seeded synthetic stand-in with a real dataset's shapes and learnable classes (tests, smoke)."""

from __future__ import annotations

import numpy as np

from nnlab.data.dataset import Dataset
from nnlab.data.sources import SPECS


def make_synthetic(name: str, n_train: int, n_test: int, seed: int = 0) -> Dataset:
    """Each class is a smooth random prototype image; samples are shifted, noisy copies of it.

    A linear model separates the classes well and a small net does better, which is what the
    smoke run needs to exercise every task without real data.
    """
    h, w, c = SPECS[name]["shape"]
    classes = list(SPECS[name]["classes"])
    rng = np.random.default_rng(seed)
    # Low-resolution random patterns, upsampled: smooth blobs like strokes or objects.
    coarse = rng.uniform(0, 1, size=(len(classes), 7, 7, c))
    protos = coarse.repeat(h // 7 + 1, axis=1).repeat(w // 7 + 1, axis=2)[:, :h, :w, :]

    def sample(n):
        y = rng.integers(0, len(classes), size=n)
        shift = rng.integers(-2, 3, size=(n, 2))
        x = np.stack([np.roll(protos[k], tuple(s), axis=(0, 1)) for k, s in zip(y, shift)])
        x = 0.7 * x + 0.3 * rng.uniform(0, 1, size=x.shape)
        return (x * 255).round().clip(0, 255).astype(np.uint8), y.astype(np.int64)

    x_train, y_train = sample(n_train)
    x_test, y_test = sample(n_test)
    return Dataset(name, x_train, y_train, x_test, y_test, classes)
