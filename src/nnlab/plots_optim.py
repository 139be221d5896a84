"""Task 29 figures: what each optimiser's network predicts, its test curves, and the learning-rate sweep.

Inputs are the CSVs of nnlab.optstudy.summarize_task29 and the runs' history CSVs. Diverged runs are
drawn as such (a cross and the word "diverged"), never silently dropped.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import MaxNLocator

from nnlab.optstudy import NAMES
from nnlab.plots import figure, save
from nnlab.results import read_rows


def _name(opt: str) -> str:
    return NAMES.get(opt, opt)


def prediction_histograms(table_csv, shares_csv, path) -> None:
    """One panel per optimiser: share of test images predicted as each class (bars) beside the share
    labelled as it (black steps). A constant prediction is one bar at 1."""
    table = read_rows(table_csv)
    shares = read_rows(shares_csv)
    n = len(table)
    ncols = min(3, max(1, n))
    nrows = math.ceil(n / ncols) if n else 1
    fig, axes = figure(0.3 * ncols + 0.1, 2.0 * nrows, nrows, ncols, sharey=True, squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    for ax, row in zip(axes.flat, table):
        mine = [s for s in shares if s["optimizer"] == row["optimizer"]]
        classes = [s["class"] for s in mine]
        title = f"{_name(row['optimizer'])}, lr {row['lr']:g}"
        if row["runs"] == row["diverged"]:
            ax.text(0.5, 0.5, "diverged\n(loss NaN/inf)", ha="center", va="center", color="C3", transform=ax.transAxes)
        else:
            ax.bar(classes, [s["predicted_share"] for s in mine], color="C0", label="predicted")
            title += (
                f"\nacc {row['test_accuracy_mean']:.4f}, top class {row['top_class']}: {row['top_class_share']:.0%}"
            )
        ax.step(classes, [s["label_share"] for s in mine], where="mid", color="k", lw=1, label="true labels")
        ax.set_title(title, fontsize=8)
        ax.set_xticks(classes or [0])
        ax.set_ylim(0, 1.05)
    axes[0][0].set_ylabel("share of test images")
    axes[0][0].legend(loc="upper right")
    save(fig, path)


def _mean_curve(csvs, column):
    runs = [[r[column] for r in read_rows(c)] for c in csvs]
    ok = [r for r in runs if r]
    if not ok:
        return None
    n = min(len(r) for r in ok)
    return np.array([r[:n] for r in ok]).mean(0)


def optimizer_curves(groups: dict[str, list], table_csv, path) -> None:
    """Test loss (left) and accuracy (right) per epoch, mean over seeds, one line per optimiser.

    Dotted lines: the loss and accuracy of a network that ignores its input and always outputs the
    test label frequencies (loss = their entropy) or the most frequent class (accuracy = its share).
    `groups` maps an optimiser to its runs' history CSVs.
    """
    table = {r["optimizer"]: r for r in read_rows(table_csv)}
    fig, (ax_loss, ax_acc) = figure(1.0, 2.8, 1, 2)
    for i, (opt, csvs) in enumerate(groups.items()):
        row = table.get(opt, {})
        label = _name(opt)
        if row and row["diverged"]:
            label += f" ({row['diverged']}/{row['runs']} diverged)"
        for ax, col in ((ax_loss, "test_loss"), (ax_acc, "test_accuracy")):
            curve = _mean_curve(csvs, col)
            if curve is None:
                ax.plot([], [], "x", color=f"C{i}", label=label)
                continue
            ax.plot(np.arange(1, len(curve) + 1), curve, "-o", ms=3, color=f"C{i}", label=label)
    any_row = next(iter(table.values()), None)
    if any_row and not math.isnan(any_row["label_entropy"]):
        ax_loss.axhline(any_row["label_entropy"], ls=":", color="k", lw=1, label="constant: label frequencies")
        ax_acc.axhline(
            any_row["label_top_share"], ls=":", color="k", lw=1, label=f"constant: class {any_row['label_top_class']}"
        )
    ax_loss.set_ylabel("test loss (cross-entropy)")
    ax_acc.set_ylabel("test accuracy")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    ax_acc.set_ylim(0, 1)
    ax_acc.legend(loc="center right")
    save(fig, path)


def sweep_curves(sweep_csv, table_csv, path) -> None:
    """Validation accuracy against learning rate (log scale), one line per optimiser. The original's
    learning rate is ringed, the best one starred; a learning rate whose runs all diverged is a cross
    on the bottom axis."""
    sweep = read_rows(sweep_csv)
    table = read_rows(table_csv)
    fig, ax = figure(0.6, 2.6)
    if not sweep:
        ax.text(
            0.5, 0.5, "no learning-rate sweep in this configuration", ha="center", va="center", transform=ax.transAxes
        )
        ax.axis("off")
        save(fig, path)
        return
    for i, row in enumerate(table):
        mine = [r for r in sweep if r["optimizer"] == row["optimizer"]]
        if not mine:
            continue
        ok = [r for r in mine if not math.isnan(r["val_accuracy_mean"])]
        ax.plot(
            [r["lr"] for r in ok],
            [r["val_accuracy_mean"] for r in ok],
            "-o",
            ms=3,
            color=f"C{i}",
            label=_name(row["optimizer"]),
        )
        dead = [r["lr"] for r in mine if math.isnan(r["val_accuracy_mean"])]
        if dead:
            ax.plot(dead, [0.0] * len(dead), "x", ms=8, mew=2, color=f"C{i}", clip_on=False)
        orig = [r for r in ok if r["lr"] == row["lr"]]
        if orig:
            ax.plot(orig[0]["lr"], orig[0]["val_accuracy_mean"], "o", ms=9, mfc="none", color=f"C{i}")
        if not math.isnan(row["best_lr"]):
            ax.plot(row["best_lr"], row["best_val_accuracy_mean"], "*", ms=11, color=f"C{i}", mec="k", mew=0.5)
    ax.plot([], [], "o", ms=9, mfc="none", color="gray", label="original lr")
    ax.plot([], [], "*", ms=11, color="gray", mec="k", mew=0.5, label="best lr")
    if any(math.isnan(r["val_accuracy_mean"]) for r in sweep):
        ax.plot([], [], "x", ms=8, mew=2, color="gray", label="diverged")
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    save(fig, path)
