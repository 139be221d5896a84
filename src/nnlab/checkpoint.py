"""Per-epoch training checkpoints, so a killed job resumes where it stopped.

A checkpoint holds everything the next epoch depends on (weights, optimiser state, the shuffling
generator and the global RNG, the history so far), so a resumed run is bit-identical to an
uninterrupted one on the CPU. It is tagged with a fingerprint of the run's settings and data: a
checkpoint from different settings is ignored and the run starts clean.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from nnlab.io import atomic_path


def fingerprint(settings: dict, *arrays: np.ndarray) -> str:
    h = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def save(path: str | Path, state: dict) -> None:
    """Write atomically: a kill during the write leaves the previous checkpoint intact."""
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def load(path: str | Path | None, fp: str) -> dict | None:
    """The checkpoint at `path` if it exists and matches fingerprint `fp`, else None."""
    if path is None or not Path(path).exists():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=False)
    except Exception:  # a damaged file is as good as none: start clean
        return None
    return state if state.get("fingerprint") == fp else None
