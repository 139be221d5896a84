"""Figures of a sweep: a final metric against a setting (e.g. hidden width), beside the original's."""

from __future__ import annotations

import numpy as np

from nnlab.plots import figure, save
from nnlab.results import read_rows


def metric_vs_setting(
    table_csv,
    x: str,
    path,
    metric: str = "test_accuracy",
    original: dict | None = None,
    logx: bool = False,
    xlabel: str | None = None,
    ylabel: str | None = None,
    notes: dict | None = None,
) -> None:
    """`metric` mean ± std over seeds (from a summary table) against column `x`.

    `original` maps x values to the original report's numbers, drawn as separate markers;
    `notes` maps x values to a short text written beside this run's point (e.g. "1 epoch").
    """
    rows = sorted(read_rows(table_csv), key=lambda r: r[x])
    fig, ax = figure(0.6, 2.6)
    xs = np.array([r[x] for r in rows], dtype=float)
    mean = np.array([r[f"{metric}_mean"] for r in rows], dtype=float)
    std = np.array([r[f"{metric}_std"] for r in rows], dtype=float)
    several = any(r.get("runs", 1) > 1 for r in rows)  # one seed: no spread to draw or name
    label = "this run (mean ± std over seeds)" if several else "this run"
    ax.errorbar(xs, mean, yerr=std if several else None, fmt="o-", color="C0", capsize=3, label=label)
    for key, text in (notes or {}).items():
        hit = [r for r in rows if float(r[x]) == float(key)]
        if hit:
            ax.annotate(text, (float(key), hit[0][f"{metric}_mean"]), textcoords="offset points", xytext=(-6, -14),
                        ha="right", color="C0")  # fmt: skip
    if original:
        ox = sorted(float(k) for k in original)
        oy = [original[k] for k in sorted(original, key=float)]
        ax.plot(ox, oy, "s--", color="C1", mfc="none", label="original report")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    save(fig, path)
