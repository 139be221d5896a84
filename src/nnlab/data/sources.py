"""Readers for each on-disk dataset layout, and the lookup that picks one.

Layouts (under the data folder, `data.dir` in config or the NNLAB_DATA environment variable):
- MNIST: torchvision's `MNIST/raw/` with the four IDX files, gzipped or not.
- CIFAR-10: torchvision's `cifar-10-batches-py/` (python pickles), or an image-folder tree
  `cifar10-jpeg/{train,test}/<class>/*.jpg|png`, or that tree packed as `cifar10-jpeg.tar.gz`.
- Anything missing is downloaded with torchvision when `source: auto`.
"""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnlab.data.dataset import DataError, Dataset

MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
CIFAR10_CLASSES = [
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
]  # fmt: skip
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}

SPECS = {
    "mnist": {"shape": (28, 28, 1), "classes": [str(i) for i in range(10)], "folders": ["mnist"]},
    "cifar10": {"shape": (32, 32, 3), "classes": CIFAR10_CLASSES, "folders": ["cifar10-jpeg", "cifar10"]},
}


@dataclass
class Source:
    """Where a dataset comes from: a layout kind and the files that make it up."""

    name: str
    kind: str  # "idx", "cifar-batches", "imagefolder", "imagefolder-tar", "download"
    root: Path
    paths: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        if self.kind == "download":
            return f"download with torchvision into {self.root}"
        return f"{self.kind} files under {self.root}"


def expected_layouts(name: str, data_dir: Path) -> str:
    """Human list of the files a dataset may be given as, for error messages."""
    if name == "mnist":
        files = ", ".join(f"{f}[.gz]" for f in MNIST_FILES.values())
        return f"{data_dir / 'MNIST' / 'raw'}/ with {files}"
    folders = SPECS[name]["folders"]
    alts = [str(data_dir / "cifar-10-batches-py") + "/ (torchvision's python batches)"] if name == "cifar10" else []
    alts += [f"{data_dir / f}/{{train,test}}/<class>/*.jpg|png (or {f}.tar.gz)" for f in folders]
    return " or ".join(alts)


def find_source(name: str, data_dir: str | Path) -> Source:
    """Pick the first layout present for `name` under `data_dir`; else a download source."""
    if name not in SPECS:
        raise DataError(f"unknown dataset {name!r}; known: {', '.join(SPECS)}")
    data_dir = Path(data_dir)
    if name == "mnist":
        raw = data_dir / "MNIST" / "raw"
        paths = []
        for base in MNIST_FILES.values():
            found = [p for p in (raw / base, raw / f"{base}.gz") if p.is_file()]
            if not found:
                break
            paths.append(found[0])  # the unpacked file first: it reads faster
        else:
            return Source(name, "idx", data_dir, paths)
    if name == "cifar10":
        batches = data_dir / "cifar-10-batches-py"
        files = [batches / f"data_batch_{i}" for i in range(1, 6)] + [batches / "test_batch"]
        if all(p.is_file() for p in files):
            return Source(name, "cifar-batches", data_dir, files)
    for folder in SPECS[name]["folders"]:
        if (data_dir / folder / "train").is_dir() and (data_dir / folder / "test").is_dir():
            return Source(name, "imagefolder", data_dir, [data_dir / folder])
        tar = data_dir / f"{folder}.tar.gz"
        if tar.is_file():
            return Source(name, "imagefolder-tar", data_dir, [tar])
    return Source(name, "download", data_dir)


def load_source(source: Source) -> Dataset:
    """Read a source into a validated Dataset (raises DataError naming the bad file)."""
    spec = SPECS[source.name]
    if source.kind == "download":
        source = _download(source)
    if source.kind == "idx":
        arrays = {key: read_idx(p) for key, p in zip(MNIST_FILES, source.paths)}
        for key in ("x_train", "x_test"):
            if arrays[key].ndim != 3:
                raise DataError(
                    f"{source.paths[list(MNIST_FILES).index(key)]}: expected a 3-D image array, got {arrays[key].shape}"
                )
            arrays[key] = arrays[key][..., None]
        ds = Dataset(
            source.name,
            classes=list(spec["classes"]),
            **{k: v.astype(np.int64) if k.startswith("y") else v for k, v in arrays.items()},
        )
    elif source.kind == "cifar-batches":
        ds = _read_cifar_batches(source)
    elif source.kind in ("imagefolder", "imagefolder-tar"):
        ds = read_image_folder(source.paths[0], source.name, spec["shape"])
    else:
        raise DataError(f"unknown source kind {source.kind!r}")
    ds.validate(spec["shape"])
    if ds.classes != spec["classes"]:
        missing = [c for c in spec["classes"] if c not in ds.classes] or ["none"]
        raise DataError(
            f"{source.describe()}: class folder(s) {', '.join(missing)} missing (found {ds.classes}, "
            f"{source.name} has {spec['classes']}); restore the missing class folder(s) and rename any others"
        )
    return ds


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (LeCun's MNIST format), gzipped or not, checking its header and length."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                data = f.read()
        else:
            data = path.read_bytes()
    except (EOFError, OSError, gzip.BadGzipFile) as err:
        raise DataError(
            f"{path} is truncated or corrupt ({err}); delete it and provide a fresh copy "
            f"(or let the workflow download it)"
        ) from err
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise DataError(f"{path} is not an IDX file (bad magic number); is it the right file?")
    if data[2] != 0x08:
        raise DataError(f"{path}: IDX element type {data[2]:#x} is not unsigned byte (0x08)")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path} is truncated: its header is incomplete")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    expected = int(np.prod(dims))
    if len(data) - header != expected:
        raise DataError(
            f"{path} is truncated or corrupt: header says {dims} = {expected} bytes of data, "
            f"file has {len(data) - header}; delete it and provide a fresh copy"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims).copy()


def _read_cifar_batches(source: Source) -> Dataset:
    def load(path: Path):
        try:
            with open(path, "rb") as f:
                d = pickle.load(f, encoding="bytes")
            x = np.asarray(d[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            return np.ascontiguousarray(x), np.asarray(d[b"labels"], dtype=np.int64)
        except Exception as err:  # pickle raises many kinds on a damaged file
            raise DataError(f"{path} is not a readable CIFAR-10 batch ({err}); replace it") from err

    train = [load(p) for p in source.paths[:-1]]
    x_test, y_test = load(source.paths[-1])
    return Dataset(
        source.name,
        np.concatenate([x for x, _ in train]),
        np.concatenate([y for _, y in train]),
        x_test,
        y_test,
        list(CIFAR10_CLASSES),
    )


def read_image_folder(path: str | Path, name: str, shape: tuple[int, int, int]) -> Dataset:
    """Read `{train,test}/<class>/<image>` from a folder or a .tar.gz holding one.

    Classes are the sorted folder names; images are read in sorted name order, so the arrays
    are the same on every machine. Every image must have `shape` (H, W, C).
    """
    path = Path(path)
    entries: dict[str, list[tuple[str, str, object]]] = {"train": [], "test": []}
    if path.is_dir():
        for split in entries:
            for f in sorted((path / split).rglob("*")):
                if f.is_file():
                    entries[split].append((f.parent.name, str(f), f.read_bytes))
    else:
        try:  # read eagerly in one pass: a gzip stream is slow to seek back into
            with tarfile.open(path, "r:gz") as tar:
                for m in tar:
                    parts = Path(m.name).parts
                    if m.isfile() and len(parts) >= 3 and parts[-3] in entries:
                        data = tar.extractfile(m).read()
                        entries[parts[-3]].append((parts[-2], f"{path}:{m.name}", lambda d=data: d))
        except (tarfile.TarError, EOFError, OSError) as err:
            raise DataError(f"{path} is truncated or corrupt ({err}); delete it and provide a fresh copy") from err
        for split in entries.values():
            split.sort(key=lambda e: e[1])
    if not entries["train"] or not entries["test"]:
        raise DataError(f"{path} has no train/<class>/ and test/<class>/ images")
    classes = sorted({cls for split in entries.values() for cls, _, _ in split})
    for split, items in entries.items():
        if missing := sorted(set(classes) - {cls for cls, _, _ in items}):
            raise DataError(
                f"{path}: class folder(s) {', '.join(f'{split}/{c}' for c in missing)} missing (the other split "
                f"has them); restore the missing class folder(s)"
            )
    index = {c: i for i, c in enumerate(classes)}
    out = {}
    for split, items in entries.items():
        xs, ys = [], []
        for cls, where, read in items:
            if Path(where).name.startswith("."):
                continue  # hidden files such as .DS_Store are not data
            xs.append(_decode_image(read, where, shape))
            ys.append(index[cls])
        out[f"x_{split}"] = np.stack(xs)
        out[f"y_{split}"] = np.asarray(ys, dtype=np.int64)
    return Dataset(name, classes=classes, **out)


def _decode_image(read, where: str, shape: tuple[int, int, int]) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    if Path(where).suffix.lower() not in IMAGE_SUFFIXES:
        raise DataError(f"{where} is not an image (.png/.jpg expected); remove it from the folder")
    try:
        with Image.open(io.BytesIO(read())) as img:
            img = img.convert("RGB" if shape[2] == 3 else "L")
            arr = np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, tarfile.TarError, EOFError) as err:
        raise DataError(f"{where} is not a readable image ({err}); replace or remove it") from err
    arr = arr.reshape(arr.shape[0], arr.shape[1], -1)
    if arr.shape != tuple(shape):
        raise DataError(f"{where} has size {arr.shape[1]}x{arr.shape[0]}, expected {shape[1]}x{shape[0]}")
    return arr


def _download(source: Source) -> Source:
    import socket

    import torchvision

    # urllib waits forever on a silently dropped connection; offline must fail, not hang.
    socket.setdefaulttimeout(60)
    cls = {"mnist": torchvision.datasets.MNIST, "cifar10": torchvision.datasets.CIFAR10}[source.name]
    try:
        for train in (True, False):
            cls(root=str(source.root), train=train, download=True)
    except Exception as err:  # network errors come as URLError, OSError, RuntimeError...
        raise DataError(
            f"no {source.name} files in {source.root} and the download failed ({err}).\n"
            f"Expected: {expected_layouts(source.name, source.root)}.\n"
            f"Fix: copy the files there, or point NNLAB_DATA (or config data.dir) at a folder "
            f"that has them, or set datasets.{source.name}.source: synthetic to run without real data."
        ) from err
    found = find_source(source.name, source.root)
    if found.kind == "download":
        raise DataError(
            f"torchvision downloaded {source.name} but its files are not where expected under {source.root}"
        )
    return found
