"""Figures for the report (matplotlib, headless). Vector PDF, written atomically."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nnlab.io import write_bytes  # noqa: E402
from nnlab.results import read_rows  # noqa: E402


def save(fig, path) -> None:
    """Render in memory, then write atomically (`nnlab.io.write_bytes`: on a full disk matplotlib's
    PDF writer fails with an unrelated AttributeError)."""
    buf, fmt = io.BytesIO(), Path(path).suffix[1:]
    # No timestamps in the file, so an unchanged figure is byte-identical on rerun.
    fig.savefig(buf, format=fmt, bbox_inches="tight", metadata={"CreationDate": None} if fmt == "pdf" else None)
    plt.close(fig)
    write_bytes(path, buf.getbuffer())


def learning_curves(groups: dict[str, list], metric: str, path, ylabel: str | None = None) -> None:
    """Train (dashed) and test (solid) `metric` per epoch, mean over seeds with a ±1 std band.

    `groups` maps a label (e.g. "cross_entropy") to the history CSVs of its seeds.
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for i, (label, csvs) in enumerate(groups.items()):
        runs = [read_rows(c) for c in csvs]
        n = min(len(r) for r in runs)
        if n == 0:
            continue
        epochs = np.arange(1, n + 1)
        for split, style in (("train", "--"), ("test", "-")):
            vals = np.array([[row[f"{split}_{metric}"] for row in r[:n]] for r in runs])
            mean, std = vals.mean(0), vals.std(0)
            ax.plot(epochs, mean, style, color=f"C{i}", label=f"{label} ({split})")
            if len(runs) > 1:
                ax.fill_between(epochs, mean - std, mean + std, color=f"C{i}", alpha=0.2, lw=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, path)
