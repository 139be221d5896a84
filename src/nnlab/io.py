"""Atomic file output: a killed job never leaves a truncated file that a later run trusts."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from nnlab.errors import NO_SPACE

UMASK = os.umask(0)  # the process umask can only be read by setting it: put it back at once
os.umask(UMASK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds.

    The suffix is kept so that writers which infer the format from it (matplotlib, numpy) work.
    A full disk is reported against `path` (the writer's own error may name no file, or the temp one).
    """
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
        os.fchmod(fd, 0o666 & ~UMASK)  # mkstemp's 0600 would make every output private to its writer
        os.close(fd)
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as err:
        if err.errno not in NO_SPACE:
            raise
        raise OSError(err.errno, os.strerror(err.errno), str(path)) from err
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike):
    """Yield a binary file beside `path`; fsync it and rename it onto `path` only if the block succeeds.

    For writers that stream (torch.save): the output never needs a second copy in memory. A full
    disk is reported against `path` even when the writer wraps the file's OSError in its own error
    (torch's zip writer raises a RuntimeError naming no file).
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        try:
            yield f
        except Exception as err:
            full = err
            while full is not None and not (isinstance(full, OSError) and full.errno in NO_SPACE):
                full = full.__cause__ or full.__context__
            if full is None or full is err:
                raise
            raise full from err
        f.flush()
        os.fsync(f.fileno())


def write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: str | os.PathLike, data) -> None:
    """Write `data` (bytes or a buffer) atomically: for formats rendered in memory first, so that a
    full disk is a plain write error naming `path` (torch's and matplotlib's own file writers turn it
    into errors that name no file)."""
    with atomic_writer(path) as f:
        f.write(data)
