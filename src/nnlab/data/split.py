"""A validation split carved from a dataset's training set (for choosing hyperparameters without the test set)."""

from __future__ import annotations

import numpy as np

from nnlab.data.dataset import DataError, Dataset


def validation_split(ds: Dataset, n_val: int, seed: int = 0) -> Dataset:
    """A `Dataset` whose train split is the training set minus `n_val` images drawn at random
    (seeded), and whose *test* split is those `n_val` held-out training images.

    The real test set is not used. Training code that reports "test" metrics on the result is
    reporting validation metrics.
    """
    n = len(ds.y_train)
    if not 0 < n_val < n:
        raise DataError(
            f"{ds.name}: a validation split of {n_val} images needs 0 < n_val < {n} (the training set size)"
        )
    perm = np.random.default_rng(seed).permutation(n)
    train, val = np.sort(perm[n_val:]), np.sort(perm[:n_val])
    return Dataset(
        name=f"{ds.name}-validation",
        x_train=ds.x_train[train],
        y_train=ds.y_train[train],
        x_test=ds.x_train[val],
        y_test=ds.y_train[val],
        classes=ds.classes,
    )
