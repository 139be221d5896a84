"""Classification figures (tasks 24, 27-30): learning curves, a metric against a swept setting,
task 29's optimiser figures and task 30's image gallery.

Task 29's inputs are the CSVs of nnlab.classification.optstudy.summarize_task29 and the runs'
history CSVs. Diverged runs are drawn as such (a cross and the word "diverged"), never silently dropped.
"""

from __future__ import annotations

import math

import numpy as np

from nnlab.plots import epoch_axis, figure, save, word
from nnlab.results import read_rows

# Tasks 24 and 28


def learning_curves(groups: dict[str, list], metric: str, path) -> None:
    """Train (dashed) and test (solid) `metric` per epoch, mean over seeds with a ±1 std band.

    `groups` maps a name (a key of the figure words' `names`, e.g. "cross_entropy") to the history CSVs
    of its seeds; `metric` ("accuracy", "loss") is the y axis's key too.
    """
    fig, ax = figure(0.49, 2.4)  # two side by side
    for i, (label, csvs) in enumerate(groups.items()):
        runs = [read_rows(c) for c in csvs]
        n = min(len(r) for r in runs)
        if n == 0:
            continue
        epochs = np.arange(1, n + 1)
        for split, style in (("train", "--"), ("test", "-")):
            vals = np.array([[row[f"{split}_{metric}"] for row in r[:n]] for r in runs])
            mean, std = vals.mean(0), vals.std(0)
            name = word("curve", label=word(f"names.{label}"), split=word(split))
            ax.plot(epochs, mean, style, color=f"C{i}", label=name)
            if len(runs) > 1:
                ax.fill_between(epochs, mean - std, mean + std, color=f"C{i}", alpha=0.2, lw=0)
    epoch_axis(ax)
    ax.set_ylabel(word(metric))
    ax.grid(alpha=0.3)
    ax.legend()
    save(fig, path)


# Task 27 (a sweep)


def metric_vs_setting(
    table_csv,
    x: str,
    path,
    metric: str = "test_accuracy",
    original: dict | None = None,
    logx: bool = False,
    xlabel: str | None = None,
    notes: dict | None = None,
) -> None:
    """`metric` mean ± std over seeds (from a summary table) against column `x`; the axes are labelled by
    the words of `xlabel` (a key; default `x`) and `metric`.

    `original` maps x values to the original report's numbers, drawn as separate markers;
    `notes` maps x values to a short text written beside this run's point (e.g. "1 epoch").
    """
    rows = sorted(read_rows(table_csv), key=lambda r: r[x])
    fig, ax = figure(0.6, 2.6)
    xs = np.array([r[x] for r in rows], dtype=float)
    mean = np.array([r[f"{metric}_mean"] for r in rows], dtype=float)
    std = np.array([r[f"{metric}_std"] for r in rows], dtype=float)
    several = any(r.get("runs", 1) > 1 for r in rows)  # one seed: no spread to draw or name
    label = word("this_run_seeds" if several else "this_run")
    ax.errorbar(xs, mean, yerr=std if several else None, fmt="o-", color="C0", capsize=3, label=label)
    for key, text in (notes or {}).items():
        hit = [r for r in rows if float(r[x]) == float(key)]
        if hit:
            ax.annotate(text, (float(key), hit[0][f"{metric}_mean"]), textcoords="offset points", xytext=(-6, -14),
                        ha="right", color="C0")  # fmt: skip
    if original:
        ox = sorted(float(k) for k in original)
        oy = [original[k] for k in sorted(original, key=float)]
        ax.plot(ox, oy, "s--", color="C1", mfc="none", label=word("original_report"))
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(word(xlabel or x))
    ax.set_ylabel(word(metric))
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    save(fig, path)


# Task 29


def _name(opt: str) -> str:
    return word(f"names.{opt}")


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
        title = {"optimizer": _name(row["optimizer"]), "lr": f"{row['lr']:g}"}
        if row["runs"] == row["diverged"]:
            ax.text(0.5, 0.5, word("diverged_panel"), ha="center", va="center", color="C3", transform=ax.transAxes)
            title = word("optimizer_lr", **title)
        else:
            ax.bar(classes, [s["predicted_share"] for s in mine], color="C0", label=word("predicted"))
            title = word("optimizer_lr_result", **title, accuracy=f"{row['test_accuracy_mean']:.4f}",
                         top_class=row["top_class"], share=f"{row['top_class_share']:.0%}")  # fmt: skip
        ax.step(classes, [s["label_share"] for s in mine], where="mid", color="k", lw=1, label=word("true_labels"))
        ax.set_title(title, fontsize=8)
        ax.set_xticks(classes or [0])
        ax.set_ylim(0, 1.05)
    axes[0][0].set_ylabel(word("share_of_test_images"))
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
            label = word("optimizer_diverged", optimizer=label, diverged=row["diverged"], runs=row["runs"])
        for ax, col in ((ax_loss, "test_loss"), (ax_acc, "test_accuracy")):
            curve = _mean_curve(csvs, col)
            if curve is None:
                ax.plot([], [], "x", color=f"C{i}", label=label)
                continue
            ax.plot(np.arange(1, len(curve) + 1), curve, "-o", ms=3, color=f"C{i}", label=label)
    any_row = next(iter(table.values()), None)
    if any_row and not math.isnan(any_row["label_entropy"]):
        ax_loss.axhline(any_row["label_entropy"], ls=":", color="k", lw=1, label=word("constant_frequencies"))
        ax_acc.axhline(any_row["label_top_share"], ls=":", color="k", lw=1,
                       label=word("constant_class", top_class=any_row["label_top_class"]))  # fmt: skip
    ax_loss.set_ylabel(word("test_loss_cross_entropy"))
    ax_acc.set_ylabel(word("test_accuracy"))
    for ax in (ax_loss, ax_acc):
        epoch_axis(ax)
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
        ax.text(0.5, 0.5, word("no_sweep"), ha="center", va="center", transform=ax.transAxes)
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
    ax.plot([], [], "o", ms=9, mfc="none", color="gray", label=word("original_lr"))
    ax.plot([], [], "*", ms=11, color="gray", mec="k", mew=0.5, label=word("best_lr"))
    if any(math.isnan(r["val_accuracy_mean"]) for r in sweep):
        ax.plot([], [], "x", ms=8, mew=2, color="gray", label=word("diverged"))
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel(word("learning_rate"))
    ax.set_ylabel(word("validation_accuracy"))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    save(fig, path)


# Task 30


def class_word(name: str) -> str:
    """A dataset's class in the figure's language (CIFAR-10's "cat"); a digit is its own name."""
    return name if name.isdigit() else word(f"classes.{name}")


def gallery(panels: list[dict], path, columns: int) -> None:
    """One row of images per panel: {"title", "images" (N, H, W, C) uint8, "captions", "note"}, texts in
    the figure's language (`note` stands in a panel without images; default the word `none`).

    Grey images (C = 1) are shown black on white, as digits are printed; colour ones as they are.
    """
    columns = max(1, columns)
    rows = max(1, len(panels))
    # the panel titles take about 1.3 in on the left; the images share the rest of the text width
    fig, axes = figure(1.0, 1.15 * rows, rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
    for r, panel in enumerate(panels):
        row = axes[r]
        row[0].set_ylabel(panel["title"], rotation=0, ha="right", va="center", labelpad=6)
        images = panel["images"]
        if len(images) == 0:
            row[0].text(
                0.5, 0.5, panel.get("note") or word("none"), ha="center", va="center", transform=row[0].transAxes
            )
        for c, (img, caption) in enumerate(zip(images, panel["captions"])):
            if c >= columns:
                break
            img = np.asarray(img)
            if img.shape[-1] == 1:
                row[c].imshow(img[..., 0], cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
            else:
                row[c].imshow(img, interpolation="nearest")
            row[c].set_title(caption, pad=2)
    save(fig, path)
