"""A fingerprint of a dataset's source files by their content, not their times.

The source files sit outside the workflow (NNLAB_DATA) and get new modification times whenever they
are copied, extracted or restored again with the same bytes. By time, Snakemake would then recache the
dataset and retrain every model built on it: hours at full scale. The rule takes its sources as
`ancient()` inputs and this fingerprint as a param, so only changed bytes rerun the cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def _files(path: Path):
    """(name, file) of `path`, or of every file under it when it is a folder (an image folder),
    named by its path within the folder."""
    if not path.is_dir():
        return [(path.name, path)]
    return [(f"{path.name}/{f.relative_to(path).as_posix()}", f) for f in path.rglob("*") if f.is_file()]


def content_fingerprint(paths) -> str:
    """SHA-256 over each file's name and bytes, in name order (folders: every file under them): the
    same files under another folder or with other times give the same value; any changed, added,
    removed or renamed file changes it."""
    digest = hashlib.sha256()
    for name, path in sorted(f for p in map(Path, paths) for f in _files(p)):
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()
