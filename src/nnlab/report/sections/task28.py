"""Task 28 section: learning curves of a deep MLP over many epochs, and where it starts to overfit."""

from __future__ import annotations

import math
import statistics

from nnlab import significance as sig
from nnlab.report import networks
from nnlab.results import read_rows

TASK = 28
TITLE = "Learning curve of a deep MLP"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)
# The inputs without which the section cannot be built.
REQUIRED = ("task28_table", "task28_curve", "task28_accuracy", "task28_loss")

TREND_MIN_POINTS = 6  # a line needs several residual degrees of freedom before its scatter means anything


def trend(epochs: list[int], values: list[float]) -> dict:
    """Least-squares line through (epoch, value): its change over the span, the scatter of the points
    around it, and the slope judged by `nnlab.significance.normal` against its standard error ("up",
    "down" when it differs from zero, else "flat"). Fewer than TREND_MIN_POINTS epochs: "unknown"
    (through three points the scatter rests on one degree of freedom)."""
    n = len(values)
    if n < TREND_MIN_POINTS:
        return {"change": float("nan"), "noise": float("nan"), "direction": "unknown", "n": n}
    mx, my = statistics.fmean(epochs), statistics.fmean(values)
    sxx = sum((x - mx) ** 2 for x in epochs)
    slope = sum((x - mx) * (y - my) for x, y in zip(epochs, values)) / sxx
    residuals = [y - (my + slope * (x - mx)) for x, y in zip(epochs, values)]
    noise = math.sqrt(sum(r**2 for r in residuals) / (n - 2))
    change = slope * (epochs[-1] - epochs[0])
    test = sig.normal(change, noise / math.sqrt(sxx) * (epochs[-1] - epochs[0]))
    if noise == 0:  # points exactly on a line: its direction is exact
        direction = "flat" if change == 0 else ("up" if change > 0 else "down")
    else:
        direction = "flat" if test["verdict"] != sig.DIFFERS else ("up" if change > 0 else "down")
    return {"change": change, "noise": noise, "direction": direction, "n": n, "test": test}


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
        "model": networks.mlp(cfg["model"], 784, 10),
        "seeds": len(cfg["seeds"]),
        "summary": table[0] if table else None,
        "facts": overfitting_facts(curve),
        "figures": {"accuracy": rel(inputs["task28_accuracy"]), "loss": rel(inputs["task28_loss"])},
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the test accuracy after the last epoch."""
    f = s["facts"]
    return {"what": f"test accuracy after {f['epochs']} epochs (best {f['best_acc']:.4f} at epoch {f['best_acc_epoch']})",
            "row": s["summary"]}  # fmt: skip
