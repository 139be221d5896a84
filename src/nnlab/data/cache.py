"""The cached array file (.npz, uncompressed) and its sidecar (.json: counts, shapes, checksums).

The sidecar also records how the cache was made (its `recipe`: dataset, settings, data folder), so
a job that finds the arrays damaged rebuilds them from the source itself, checks them against the
recorded checksums, and goes on; the rebuilt file gets the sidecar's time stamp back, so the
finished jobs that used the same arrays stay up to date.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nnlab.data.dataset import DataError, Dataset
from nnlab.data.sources import expected_layouts, find_source, load_source
from nnlab.data.synthetic import make_synthetic
from nnlab.io import atomic_path, write_text

ARRAYS = ("x_train", "y_train", "x_test", "y_test")
# Zip member times fixed, so the same arrays give the same bytes on every build.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def checksum(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def build(dataset: str, settings: dict, data_dir: str | Path, download: bool = True) -> tuple[Dataset, str]:
    """Read `dataset` from its source as `settings` (config `datasets.<name>`) say.

    Returns the dataset and where it came from. `download=False`: a missing source is an error
    saying what to provide, not a download.
    """
    name = dataset
    if settings["source"] == "synthetic":
        syn = settings["synthetic"]
        return make_synthetic(name, syn["n_train"], syn["n_test"], syn["seed"]), f"synthetic (seed {syn['seed']})"
    src = find_source(name, data_dir)
    if src.kind == "download" and not download:
        raise DataError(
            f"no {name} files in {data_dir} to rebuild its cache from.\n"
            f"Expected: {expected_layouts(name, Path(data_dir))}.\n"
            f"Fix: copy them there (or set NNLAB_DATA to a folder that has them) and rerun."
        )
    return load_source(src), src.describe()


def _write_npz(ds: Dataset, path: Path) -> None:
    arrays = {"classes": np.asarray(ds.classes), **{k: getattr(ds, k) for k in ARRAYS}}
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as z:
        for key, a in arrays.items():
            with z.open(zipfile.ZipInfo(f"{key}.npy", date_time=ZIP_TIME), "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asanyarray(a), allow_pickle=False)


def _sidecar(ds: Dataset, source: str, recipe: dict | None) -> dict:
    return {
        "name": ds.name,
        "source": source,
        "classes": ds.classes,
        "image_shape": list(ds.image_shape),
        "counts": {
            split: np.bincount(getattr(ds, f"y_{split}"), minlength=len(ds.classes)).tolist()
            for split in ("train", "test")
        },
        "sha256": {k: checksum(getattr(ds, k)) for k in ARRAYS},
        "recipe": recipe,
    }


def save_cache(
    ds: Dataset, npz_path: str | Path, meta_path: str | Path, source: str, recipe: dict | None = None
) -> dict:
    """Write the arrays and the sidecar atomically; return the sidecar dict.

    `recipe`: {"dataset", "settings", "data_dir"} as given to `build`, kept so the cache can be rebuilt.
    """
    _write_npz(ds, Path(npz_path))
    meta = _sidecar(ds, source, recipe)
    write_text(meta_path, json.dumps(meta, indent=2) + "\n")
    return meta


def _read(npz_path: Path) -> Dataset:
    if not npz_path.exists():
        raise DataError(f"{npz_path} is missing")
    try:
        with np.load(npz_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ARRAYS}
            classes = [str(c) for c in z["classes"]]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise DataError(f"{npz_path} is damaged ({type(err).__name__}: {err})") from err
    ds = Dataset(npz_path.stem, classes=classes, **arrays)
    ds.validate()
    return ds


def _read_meta(npz_path: Path, meta_path: Path) -> dict:
    try:
        meta = json.loads(meta_path.read_text())
        if not all(k in meta["sha256"] for k in ARRAYS):
            raise KeyError("sha256")
        return meta
    except (OSError, ValueError, KeyError, TypeError) as err:
        # Without a trustworthy sidecar neither file can be checked: both go, and the workflow
        # rebuilds them (and, not knowing whether they changed, what was made from them).
        for p in (npz_path, meta_path):
            p.unlink(missing_ok=True)
        raise DataError(
            f"the dataset sidecar {meta_path} is damaged ({type(err).__name__}: {err}); deleted it and "
            f"{npz_path} (derived data): rerun snakemake to rebuild them from the source"
        ) from err


def _mismatch(ds: Dataset, meta: dict) -> str | None:
    bad = [k for k in ARRAYS if checksum(getattr(ds, k)) != meta["sha256"][k]]
    return f"the checksum of {', '.join(bad)} does not match the sidecar" if bad else None


@contextlib.contextmanager
def _locked(path: Path):
    """One job at a time repairs a cache (jobs running side by side may all find it damaged)."""
    with open(path) as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def load_cache(
    npz_path: str | Path, meta_path: str | Path | None = None, log: Callable[[str], None] = print
) -> Dataset:
    """Load a cached dataset; with a sidecar, recheck every array's checksum first, and rebuild
    damaged arrays from the source the sidecar records (one `log` line says so)."""
    npz_path = Path(npz_path)
    if meta_path is None:
        return _read(npz_path)
    meta_path = Path(meta_path)
    meta = _read_meta(npz_path, meta_path)
    try:
        ds = _read(npz_path)
        problem = _mismatch(ds, meta)
        problem = problem and f"{npz_path}: {problem}"
    except DataError as err:
        ds, problem = None, str(err)
    if problem is None:
        return ds
    with _locked(meta_path):
        return _repair(npz_path, meta_path, meta, ds, problem, log)


def _repair(npz_path: Path, meta_path: Path, meta: dict, found: Dataset | None, problem: str, log) -> Dataset:
    with contextlib.suppress(DataError):  # another job may have repaired it while this one waited
        ds = _read(npz_path)
        if _mismatch(ds, meta) is None:
            return ds
    recipe = meta.get("recipe")
    if not recipe:
        raise DataError(
            f"{problem}, and {meta_path} does not say how it was made: delete both files "
            f"and rerun snakemake to rebuild them"
        )
    try:
        ds, where = build(**recipe, download=False)
    except DataError as err:
        raise DataError(f"{problem}, and it cannot be rebuilt: {err}") from err
    stamp = meta_path.stat().st_mtime_ns
    if _mismatch(ds, meta) is None:
        _write_npz(ds, npz_path)
        os.utime(npz_path, ns=(stamp, stamp))  # the same arrays as when built: nothing made from them is stale
        log(f"{problem}: rebuilt it from {where}; its arrays match {meta_path}")
        return ds
    if found is not None and _mismatch(found, _sidecar(ds, where, recipe)) is None:
        # The arrays are the source's: the sidecar was wrong.
        write_text(meta_path, json.dumps(_sidecar(ds, where, recipe), indent=2) + "\n")
        os.utime(meta_path, ns=(stamp, stamp))
        log(f"{problem}: the sidecar was wrong (the arrays are those of {where}); rewrote {meta_path}")
        return found
    raise DataError(
        f"{problem}, and its source {where} no longer gives the arrays recorded in {meta_path} "
        f"(the source changed since): delete both files and rerun snakemake, which rebuilds the cache "
        f"and retrains what was made from it"
    )
