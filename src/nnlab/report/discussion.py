"""Facts for discussion text: summary rows and per-image predictions handed to the one significance
helper (`nnlab.significance`), which alone decides whether a difference is real."""

from __future__ import annotations

import json
import re

from nnlab import significance as sig
from nnlab.results import read_rows


def n_test(meta_path: str | None) -> int | None:
    """Test images of a dataset, from its cache sidecar (None without one)."""
    if not meta_path:
        return None
    with open(meta_path) as f:
        return sum(json.load(f).get("counts", {}).get("test", [])) or None


def run_predictions(inputs: dict, prefix: str) -> dict[str, list[list[bool]]]:
    """Per-image correctness of each run among the inputs named `<prefix><group>_seed<N>`, grouped by
    <group> in seed order; a diverged run (header only) is left out."""
    groups: dict[str, list[tuple[int, list[bool]]]] = {}
    for key, path in inputs.items():
        m = re.fullmatch(rf"{re.escape(prefix)}(.+)_seed(\d+)", key)
        if not m:
            continue
        rows = read_rows(path)
        if rows:
            groups.setdefault(m[1], []).append((int(m[2]), [r["label"] == r["prediction"] for r in rows]))
    return {g: [c for _, c in sorted(runs)] for g, runs in groups.items()}


def compare(a: dict, b: dict, metric: str = "test_accuracy", n: int | None = None, correct=None) -> dict:
    """Summary rows a and b (`<metric>_mean/_std`, `runs`, `diverged`) compared by `nnlab.significance`:
    paired on the images when `correct` = (a's runs, b's runs) of per-image correctness is given, else
    from the accuracies on `n` test images, else from the seeds alone. Adds who wins, by how much."""
    ma, mb = a[f"{metric}_mean"], b[f"{metric}_mean"]
    na, nb = a["runs"] - a.get("diverged", 0), b["runs"] - b.get("diverged", 0)
    sa, sb = a[f"{metric}_std"], b[f"{metric}_std"]
    if correct and correct[0] and correct[1]:
        r = sig.paired(*correct)
    elif n:
        r = sig.accuracies(ma, mb, n, sa, na, sb, nb)
    else:
        r = sig.seeds(ma, sa, na, mb, sb, nb)
    winner, loser = (a, b) if ma >= mb else (b, a)
    return r | {"winner": winner, "loser": loser, "abs_diff": abs(ma - mb)}


def versus_original(mean: float, std: float, runs: int, original: float | None, n: int | None) -> dict | None:
    """Our mean over `runs` seeds against the original's single run on the same `n` test images: the
    original's seed noise is taken to be ours. None without an original number."""
    if original is None or mean is None or mean != mean:
        return None
    if not n:
        return sig.seeds(mean, std, runs, original, std, 1) | {"original": original, "ours": mean}
    return sig.accuracies(mean, original, n, std, runs, std, 1) | {"original": original, "ours": mean}
