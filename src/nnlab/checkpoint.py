"""Per-epoch training checkpoints, so a killed job resumes where it stopped.

A checkpoint holds everything the next epoch depends on (weights, optimiser state, the shuffling
generator and the global RNG, the history so far), so a resumed run is bit-identical to an
uninterrupted one on the CPU. It is tagged with a fingerprint of the run's settings and data: a
checkpoint from different settings is ignored and the run starts clean.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from nnlab.io import atomic_writer


def fingerprint(settings: dict, *arrays: np.ndarray) -> str:
    h = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def save(path: str | Path, state: dict) -> None:
    """Write atomically: a kill or a full disk during the write leaves the previous checkpoint intact.
    Streamed into the temporary file (`nnlab.io.atomic_writer`), not serialised in memory first: for
    the widest MLP with Adam that copy cost about 1 GB of peak memory."""
    with atomic_writer(path) as f:
        torch.save(state, f)


def load(path: str | Path | None, fp: str, log: Callable[[str], None] = print) -> dict | None:
    """The checkpoint at `path` if it exists and matches fingerprint `fp`, else None; a damaged one,
    or one from other settings, data or code, is ignored with one `log` line."""
    if path is None or not Path(path).exists():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:  # a damaged file is as good as none: start clean
        log(f"ignoring checkpoint {path}: unreadable ({type(err).__name__}); training starts clean")
        return None
    if not isinstance(state, dict) or state.get("fingerprint") != fp:
        log(f"ignoring checkpoint {path}: written for other settings, data or code; training starts clean")
        return None
    return state
