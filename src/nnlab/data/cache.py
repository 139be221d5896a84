"""The cached array file (.npz, uncompressed) and its sidecar (.json: counts, shapes, checksums)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from nnlab.data.dataset import DataError, Dataset
from nnlab.io import atomic_path, write_text

ARRAYS = ("x_train", "y_train", "x_test", "y_test")


def checksum(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def save_cache(ds: Dataset, npz_path: str | Path, meta_path: str | Path, source: str) -> dict:
    """Write the arrays and the sidecar atomically; return the sidecar dict."""
    arrays = {k: getattr(ds, k) for k in ARRAYS}
    with atomic_path(npz_path) as tmp:
        with open(tmp, "wb") as f:  # a file object keeps numpy from appending .npz to the temp name
            np.savez(f, classes=np.asarray(ds.classes), **arrays)
    meta = {
        "name": ds.name,
        "source": source,
        "classes": ds.classes,
        "image_shape": list(ds.image_shape),
        "counts": {
            split: np.bincount(getattr(ds, f"y_{split}"), minlength=len(ds.classes)).tolist()
            for split in ("train", "test")
        },
        "sha256": {k: checksum(a) for k, a in arrays.items()},
    }
    write_text(meta_path, json.dumps(meta, indent=2) + "\n")
    return meta


def load_cache(npz_path: str | Path, meta_path: str | Path | None = None) -> Dataset:
    """Load a cached dataset; with a sidecar, recheck every array's checksum first."""
    npz_path = Path(npz_path)
    try:
        with np.load(npz_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ARRAYS}
            classes = [str(c) for c in z["classes"]]
    except (OSError, ValueError, KeyError) as err:
        raise DataError(f"{npz_path} is not a valid dataset cache ({err}); delete it and rerun") from err
    name = npz_path.stem
    if meta_path is not None:
        meta = json.loads(Path(meta_path).read_text())
        name = meta["name"]
        for k, a in arrays.items():
            if checksum(a) != meta["sha256"][k]:
                raise DataError(
                    f"{npz_path}: checksum of {k} does not match {meta_path}; the cache is "
                    f"damaged, delete both files and rerun"
                )
    ds = Dataset(name, classes=classes, **arrays)
    ds.validate()
    return ds
