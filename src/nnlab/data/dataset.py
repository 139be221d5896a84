"""The in-memory dataset record shared by every source and the cache."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnlab.errors import JobFailure


class DataError(JobFailure):
    """A dataset source is missing, corrupt or malformed. The message says what to do."""


@dataclass
class Dataset:
    """Images as uint8 (N, H, W, C), labels as int64 (N,), class names in label order."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: list[str]

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.x_train.shape[1:])

    def validate(self, expected_shape: tuple[int, int, int] | None = None) -> None:
        """Raise DataError unless shapes, dtypes and label ranges are consistent."""
        k = len(self.classes)
        for split in ("train", "test"):
            x, y = getattr(self, f"x_{split}"), getattr(self, f"y_{split}")
            if x.dtype != np.uint8 or x.ndim != 4:
                raise DataError(
                    f"{self.name} {split} images must be uint8 with shape (N, H, W, C); got {x.dtype} {x.shape}"
                )
            if y.ndim != 1 or len(y) != len(x):
                raise DataError(f"{self.name} {split}: {len(x)} images but labels of shape {y.shape}")
            if len(y) == 0:
                raise DataError(f"{self.name} {split} split is empty")
            if y.min() < 0 or y.max() >= k:
                raise DataError(
                    f"{self.name} {split} labels must lie in 0..{k - 1} ({k} classes); "
                    f"found {int(y.min())}..{int(y.max())}"
                )
        if self.x_train.shape[1:] != self.x_test.shape[1:]:
            raise DataError(
                f"{self.name}: train images {self.x_train.shape[1:]} and test images "
                f"{self.x_test.shape[1:]} differ in shape"
            )
        if expected_shape is not None and tuple(self.x_train.shape[1:]) != tuple(expected_shape):
            raise DataError(
                f"{self.name}: images have shape {self.x_train.shape[1:]}, expected {tuple(expected_shape)}"
            )
