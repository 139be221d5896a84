"""Data layer: turn a dataset source into one cached, verified array file.

source (IDX files, CIFAR batches, image folder, download, synthetic) -> `Dataset` -> cache (.npz + .json)
Imports no model or training code.
"""

from nnlab.data.cache import build, load_cache, save_cache
from nnlab.data.dataset import DataError, Dataset
from nnlab.data.sources import find_source, load_source

__all__ = ["Dataset", "DataError", "build", "find_source", "load_source", "load_cache", "save_cache"]
