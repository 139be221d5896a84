"""Task 28 section: learning curves of a deep MLP over many epochs, and where it starts to overfit."""

from __future__ import annotations

import statistics

from nnlab.report.common import describe_model
from nnlab.results import read_rows


def trend(epochs: list[int], values: list[float]) -> dict:
    """Least-squares line through (epoch, value): its change over the span and whether that change
    exceeds twice the scatter of the points around the line ("up", "down", else "flat")."""
    n = len(values)
    if n < 3:
        return {"change": float("nan"), "noise": float("nan"), "direction": "unknown", "n": n}
    mx, my = statistics.fmean(epochs), statistics.fmean(values)
    sxx = sum((x - mx) ** 2 for x in epochs)
    slope = sum((x - mx) * (y - my) for x, y in zip(epochs, values)) / sxx
    residuals = [y - (my + slope * (x - mx)) for x, y in zip(epochs, values)]
    noise = statistics.stdev(residuals)
    change = slope * (epochs[-1] - epochs[0])
    direction = "flat" if abs(change) <= 2 * noise else ("up" if change > 0 else "down")
    return {"change": change, "noise": noise, "direction": direction, "n": n}


def overfitting_facts(curve: list[dict]) -> dict:
    """Where the mean test loss bottoms out, how far it rises after, and what test accuracy does then.

    `curve`: rows of curve.csv (epoch, <metric>_mean, ...). The minimum is the first epoch with the
    lowest mean test loss; "rise" is the last epoch's test loss minus that minimum.
    """
    if not curve:
        return {"epochs": 0}
    loss = [r["test_loss_mean"] for r in curve]
    i = min(range(len(loss)), key=loss.__getitem__)
    best, last = curve[i], curve[-1]
    peak = max(curve[i:], key=lambda r: r["test_loss_mean"])
    after = curve[i:]
    acc_best = max(curve, key=lambda r: r["test_accuracy_mean"])
    return {
        "epochs": len(curve),
        "min_epoch": best["epoch"],
        "min_loss": best["test_loss_mean"],
        "bottomed_out": i < len(curve) - 1,
        "final_epoch": last["epoch"],
        "final_loss": last["test_loss_mean"],
        "rise": last["test_loss_mean"] - best["test_loss_mean"],
        "rise_ratio": last["test_loss_mean"] / best["test_loss_mean"],
        "peak_epoch": peak["epoch"],
        "peak_loss": peak["test_loss_mean"],
        "acc_at_min": best["test_accuracy_mean"],
        "final_acc": last["test_accuracy_mean"],
        "best_acc": acc_best["test_accuracy_mean"],
        "best_acc_epoch": acc_best["epoch"],
        "acc_trend": trend([r["epoch"] for r in after], [r["test_accuracy_mean"] for r in after]),
        "train_loss_at_min": best["train_loss_mean"],
        "final_train_loss": last["train_loss_mean"],
        "final_train_acc": last["train_accuracy_mean"],
        "train_loss_falls": last["train_loss_mean"] < best["train_loss_mean"],
        "gap": last["train_accuracy_mean"] - last["test_accuracy_mean"],
    }


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task28_table, task28_curve, task28_accuracy, task28_loss; `cfg`: config["task28"]."""
    table = read_rows(inputs["task28_table"])
    curve = read_rows(inputs["task28_curve"])
    return {
        "setup": cfg,
        "model": describe_model(cfg["model"], 784, 10),
        "seeds": len(cfg["seeds"]),
        "summary": table[0] if table else None,
        "facts": overfitting_facts(curve),
        "figures": {"accuracy": rel(inputs["task28_accuracy"]), "loss": rel(inputs["task28_loss"])},
    }
