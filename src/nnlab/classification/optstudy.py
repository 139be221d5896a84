"""Task 29 analysis: optimisers at their original settings, a learning-rate sweep, and what each
network predicts (a constant prediction shows as one class taking all the test images).

Pure functions on the run CSVs (results.write_run / write_predictions); no plotting, no Snakemake.
"""

from __future__ import annotations

import math

from nnlab.results import read_rows, summarize


def lr_tag(lr) -> str:
    """A learning rate as written in paths and wildcards: repr of the float, so it reads back exactly."""
    return repr(float(lr))


def entropy(counts) -> float:
    """Entropy (nats) of a distribution given by counts: the cross-entropy of always predicting it."""
    total = sum(counts)
    return -sum(c / total * math.log(c / total) for c in counts if c) if total else float("nan")


def prediction_stats(pred_csv, n_classes: int) -> dict | None:
    """Counts of predicted classes and of true labels in one run's predictions CSV (None if empty)."""
    rows = read_rows(pred_csv)
    if not rows:
        return None
    pred, label = [0] * n_classes, [0] * n_classes
    for r in rows:
        pred[r["prediction"]] += 1
        label[r["label"]] += 1
    top = max(range(n_classes), key=lambda k: (pred[k], -k))
    return {"pred": pred, "label": label, "top_class": top, "top_share": pred[top] / len(rows)}


def _best(sweep_rows: list[dict]) -> dict | None:
    ok = [r for r in sweep_rows if not math.isnan(r["val_accuracy_mean"])]
    return max(ok, key=lambda r: (r["val_accuracy_mean"], -r["lr"])) if ok else None


def _prediction_stats_by_optimizer(finals: list, predictions: list, n_classes: int) -> dict[str, list[dict]]:
    stats: dict[str, list[dict]] = {}
    for final, pred in zip(finals, predictions, strict=True):
        s = prediction_stats(pred, n_classes)
        if s is not None:
            stats.setdefault(read_rows(final)[0]["optimizer"], []).append(s)
    return stats


def _pooled_top(runs: list[dict], n_classes: int) -> tuple[list[int], int | None]:
    """Predicted-class counts pooled over runs, and the most predicted class (None without runs)."""
    pooled = [sum(s["pred"][k] for s in runs) for k in range(n_classes)]
    return pooled, (max(range(n_classes), key=lambda k: (pooled[k], -k)) if sum(pooled) else None)


SEQ_FIELDS = ["seq_runs", "seq_diverged", "seq_test_accuracy_mean", "seq_test_accuracy_std", "seq_test_loss_mean",
              "seq_top_class", "seq_top_class_share", "seq_top_class_share_min"]  # fmt: skip


def _sequential_columns(sequential: dict[str, list] | None, n_classes: int) -> dict[str, dict]:
    """Per optimizer, the sequential protocol's stage in the `seq_*` columns of the table."""
    if not sequential or not sequential["final"]:
        return {}
    stats = _prediction_stats_by_optimizer(sequential["final"], sequential["predictions"], n_classes)
    out = {}
    for row in summarize(sequential["final"], sequential["timing"], sequential["history"], ["optimizer"]):
        runs = stats.get(row["optimizer"], [])
        pooled, top = _pooled_top(runs, n_classes)
        out[row["optimizer"]] = {
            "seq_runs": row["runs"],
            "seq_diverged": row["diverged"],
            "seq_test_accuracy_mean": row["test_accuracy_mean"],
            "seq_test_accuracy_std": row["test_accuracy_std"],
            "seq_test_loss_mean": row["test_loss_mean"],
            "seq_top_class": top if top is not None else "",
            "seq_top_class_share": pooled[top] / sum(pooled) if top is not None else float("nan"),
            "seq_top_class_share_min": min((s["top_share"] for s in runs), default=float("nan")),
        }
    return out


def summarize_task29(
    test: dict[str, list],
    sweep: dict[str, list],
    optimizers: list[str],
    n_classes: int = 10,
    sequential: dict[str, list] | None = None,
) -> tuple[list[dict], list[dict], list[dict]]:
    """Aggregate the runs into (table, sweep, predictions) rows.

    `test` has lists final/timing/history/predictions of the runs at the original settings (on the
    test set); `sweep` has final/timing/history of the learning-rate sweep (on the validation split);
    `sequential` (optional) final/timing/history/predictions of the sequential protocol's stages.
    table: one row per optimizer (in `optimizers` order): test accuracy mean ± std over seeds, the
    most predicted class and its share of the test images, the best sweep learning rate, and the
    same optimiser's stage in the sequential protocol (`SEQ_FIELDS`, NaN/empty without one).
    sweep: one row per (optimizer, lr) with validation accuracy mean ± std and diverged runs.
    predictions: one row per (optimizer, class): share of test images predicted as / labelled as it.
    """
    sweep_rows = []
    if sweep["final"]:
        for r in summarize(sweep["final"], sweep["timing"], sweep["history"], ["optimizer", "lr"]):
            sweep_rows.append({k.replace("test_", "val_"): v for k, v in r.items()})
    sweep_rows.sort(key=lambda r: (optimizers.index(r["optimizer"]), r["lr"]))

    stats = _prediction_stats_by_optimizer(test["final"], test["predictions"], n_classes)
    seq = _sequential_columns(sequential, n_classes)
    no_seq = {k: "" if k == "seq_top_class" else 0 if k in ("seq_runs", "seq_diverged") else float("nan")
              for k in SEQ_FIELDS}  # fmt: skip

    table, shares = [], []
    base = summarize(test["final"], test["timing"], test["history"], ["optimizer", "lr"])
    for row in sorted(base, key=lambda r: optimizers.index(r["optimizer"])):
        opt = row["optimizer"]
        runs = stats.get(opt, [])
        pooled, top = _pooled_top(runs, n_classes)
        labels = runs[0]["label"] if runs else [0] * n_classes
        total, n_labels = sum(pooled), sum(labels)
        top_label = max(range(n_classes), key=lambda k: (labels[k], -k)) if n_labels else None
        mine = [r for r in sweep_rows if r["optimizer"] == opt]
        best = _best(mine)
        at_original = next((r for r in mine if r["lr"] == row["lr"]), None)
        row.update(
            top_class=top if top is not None else "",
            top_class_share=pooled[top] / total if total else float("nan"),
            top_class_share_min=min((s["top_share"] for s in runs), default=float("nan")),
            label_top_class=top_label if top_label is not None else "",
            label_top_share=labels[top_label] / n_labels if n_labels else float("nan"),
            label_entropy=entropy(labels),
            sweep_lrs=len(mine),
            sweep_diverged=sum(r["diverged"] for r in mine),
            best_lr=best["lr"] if best else float("nan"),
            best_val_accuracy_mean=best["val_accuracy_mean"] if best else float("nan"),
            best_val_accuracy_std=best["val_accuracy_std"] if best else float("nan"),
            best_val_runs=best["runs"] - best["diverged"] if best else 0,
            original_lr_val_accuracy_mean=at_original["val_accuracy_mean"] if at_original else float("nan"),
            **seq.get(opt, no_seq),
        )
        table.append(row)
        for k in range(n_classes):
            shares.append(
                {
                    "optimizer": opt,
                    "class": k,
                    "predicted_share": pooled[k] / total if total else float("nan"),
                    "label_share": labels[k] / n_labels if n_labels else float("nan"),
                }
            )
    return table, sweep_rows, shares
